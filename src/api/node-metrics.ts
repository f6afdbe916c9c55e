// Prometheus metrics of a node: peers, dials, messages and bytes, penalties, bans, addresses, request latency.

import { Histogram, type Registry } from 'prom-client';
import { ALARM_KINDS } from '../core/alarm/eclipse.js';
import type { Node } from '../node/index.js';
import { METRIC_PREFIX, mirroredCounter, perScrape, readGauge } from './metrics.js';

type Row = [Record<string, string>, number];

/** Request topics are chosen by applications; past this many distinct ones, new topics count as "other". */
const MAX_TOPIC_LABELS = 50;

const rows = (tally: Record<string, number>, label: string, extra: Record<string, string> = {}): Row[] =>
  Object.entries(tally).map(([k, v]) => [{ ...extra, [label]: k }, v]);

/** Registers every node metric on `registry`; returns a function that detaches the request listener. */
export function registerNodeMetrics(registry: Registry, node: Node): () => void {
  // One snapshot per scrape for all ~20 metrics below: stats() walks every peer and the address book.
  const stats = perScrape(() => node.stats());
  const counters = () => stats().counters;

  readGauge(registry, 'peers', 'Connected peers by temperature and direction', ['temperature', 'direction'], () => {
    const p = stats().peers;
    return [
      [{ temperature: 'hot', direction: 'outbound' }, p.outbound.hot],
      [{ temperature: 'warm', direction: 'outbound' }, p.outbound.warm],
      [{ temperature: 'hot', direction: 'inbound' }, p.inbound.hot],
      [{ temperature: 'warm', direction: 'inbound' }, p.inbound.warm],
    ];
  });
  readGauge(registry, 'alarm', 'Eclipse alarms in force: 1 while the alarm of this kind holds', ['kind'], () => {
    const active = new Set(node.health().alarms.map((a) => a.kind));
    return ALARM_KINDS.map((kind) => [{ kind }, active.has(kind) ? 1 : 0] as Row);
  });
  mirroredCounter(registry, 'alarms_raised_total', 'Eclipse alarms raised, by kind', ['kind'], () => rows(counters().alarmsRaised, 'kind'));
  readGauge(registry, 'peers_by_group', 'Connected peers by net group (an AS, "AS13335", when the node has an AS map) and direction', ['group', 'direction'], () => {
    const counts = new Map<string, number>();
    for (const p of node.peers()) {
      const k = `${p.netGroup}\u0000${p.direction}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => {
      const [group, direction] = k.split('\u0000');
      return [{ group: group!, direction: direction! }, n] as Row;
    });
  });
  readGauge(registry, 'peer_targets', 'Configured connection targets and limits', ['target'], () =>
    Object.entries(node.targets).map(([target, v]) => [{ target }, v] as Row),
  );
  readGauge(registry, 'health', 'Node health: 1 for the current status (healthy, degraded, isolated)', ['status'], () => {
    const h = node.health().status;
    return (['healthy', 'degraded', 'isolated'] as const).map((s) => [{ status: s }, s === h ? 1 : 0] as Row);
  });
  mirroredCounter(registry, 'dials_total', 'Outbound dials by outcome', ['outcome'], () => rows(counters().dials, 'outcome'));
  mirroredCounter(registry, 'connections_total', 'Connections that passed the handshake, by direction', ['direction'], () => {
    const c = counters().connections;
    return [
      [{ direction: 'inbound' }, c.inbound],
      [{ direction: 'outbound' }, c.outbound],
    ];
  });
  mirroredCounter(registry, 'disconnects_total', 'Closed connections by reason', ['reason'], () => rows(counters().disconnects, 'reason'));
  mirroredCounter(registry, 'inbound_rejected_total', 'Inbound attempts refused before or during the handshake, by reason', ['reason'], () =>
    rows(counters().rejected, 'reason'),
  );
  mirroredCounter(registry, 'messages_total', 'Messages by type and direction', ['type', 'direction'], () => {
    const m = counters().messages;
    return [...rows(m.in, 'type', { direction: 'in' }), ...rows(m.out, 'type', { direction: 'out' })];
  });
  mirroredCounter(registry, 'message_bytes_total', 'Frame bytes by message type and direction', ['type', 'direction'], () => {
    const b = counters().bytes;
    return [...rows(b.in, 'type', { direction: 'in' }), ...rows(b.out, 'type', { direction: 'out' })];
  });
  mirroredCounter(registry, 'bytes_total', 'All bytes on peer connections, by direction', ['direction'], () => {
    const b = stats().bytes;
    return [
      [{ direction: 'in' }, b.in],
      [{ direction: 'out' }, b.out],
    ];
  });
  mirroredCounter(registry, 'penalties_total', 'Penalties applied, by offence', ['reason'], () => rows(counters().penalties, 'reason'));
  mirroredCounter(registry, 'penalties_by_severity_total', 'Penalties applied, by severity', ['severity'], () => rows(counters().penaltiesBySeverity, 'severity'));
  readGauge(registry, 'bans', 'Active bans', [], () => [[{}, stats().bans]]);
  mirroredCounter(registry, 'bans_total', 'Bans added and removed', ['action'], () => {
    const b = counters().bans;
    return [
      [{ action: 'added' }, b.added],
      [{ action: 'removed' }, b.removed],
    ];
  });
  readGauge(registry, 'discouraged', 'Addresses discouraged for misbehaviour (in memory)', [], () => [[{}, stats().discouraged]]);
  readGauge(registry, 'addrbook_entries', 'Address-book entries by table', ['table'], () => {
    const a = stats().addresses;
    return [
      [{ table: 'new' }, a.new],
      [{ table: 'tried' }, a.tried],
    ];
  });
  readGauge(registry, 'addrbook_collisions', 'Pending tried-table collisions (test-before-evict)', [], () => [[{}, stats().addresses.collisions]]);
  mirroredCounter(registry, 'addresses_learned_total', 'New addresses added to the book, by origin', ['origin'], () => rows(counters().addressesLearned, 'origin'));
  mirroredCounter(registry, 'broadcasts_total', 'Broadcasts sent', [], () => [[{}, counters().broadcasts]]);

  const latency = new Histogram({
    name: `${METRIC_PREFIX}request_duration_seconds`,
    help: 'Request/response round trips (outbound) and handler times (inbound), by topic and outcome',
    labelNames: ['direction', 'topic', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const topics = new Set<string>();
  return node.on('request:completed', (e) => {
    if (!topics.has(e.topic) && topics.size < MAX_TOPIC_LABELS) topics.add(e.topic);
    const topic = topics.has(e.topic) ? e.topic : 'other';
    latency.observe({ direction: e.direction, topic, outcome: e.outcome }, e.durationMs / 1000);
  });
}
