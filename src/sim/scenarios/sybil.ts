// Scenario "sybil": many attacker node ids behind few IPs in few /16s; what share of honest nodes' connections do they get?

import { isHostileGroup, isHostileIp, ipOfEndpoint } from '../addresses.js';
import { check, metric, type Scenario } from '../scenario.js';
import { SeriesRecorder } from '../series.js';
import { SybilSwarm } from '../sybil.js';
import { growNetwork, HONEST_PARAMS, mean, roundedDistribution } from './common.js';

export const sybil: Scenario = {
  name: 'sybil',
  title: 'Sybil swarm',
  summary:
    'N honest nodes form a network; then a swarm of sybilGroups × sybilIpsPerGroup × sybilIdsPerIp node ids (one port per id) joins. ' +
    'Each id dials a few random honest nodes, advertises swarm addresses on every connection and answers GETADDR with 1000 of them. ' +
    'Reported: the swarm\'s share of honest nodes\' outbound, hot and inbound connections and of their address books, against its share ' +
    'of node ids. One automatic outbound peer per /16 caps the outbound share at sybilGroups / 12 per node, whatever the number of ids.',
  defaultNodes: 200,
  minNodes: 4,
  defaultDurationMs: 60 * 60_000,
  params: {
    ...HONEST_PARAMS,
    sybilGroups: { kind: 'int', default: 2, help: '/16s the swarm has addresses in', min: 1, max: 3840 },
    sybilIpsPerGroup: { kind: 'int', default: 4, help: 'IPs per /16', min: 1, max: 1000 },
    sybilIdsPerIp: { kind: 'int', default: 25, help: 'node ids per IP (each on its own port)', min: 1, max: 1000 },
    sybilDials: { kind: 'int', default: 4, help: 'honest nodes each id dials', min: 0, max: 100 },
    advertiseEvery: { kind: 'duration', default: 60_000, help: 'interval between advertisements on each connection', min: 1000, max: 86_400_000 },
    advertiseCount: { kind: 'int', default: 10, help: 'swarm addresses per advertisement (≤ 10 get relayed)', min: 1, max: 1000 },
    sybilStart: { kind: 'duration', default: 10 * 60_000, help: 'when the swarm starts joining', min: 0, max: 30 * 86_400_000 },
    sybilJoinWindow: { kind: 'duration', default: 5 * 60_000, help: 'the swarm\'s ids start within this window', min: 0, max: 86_400_000 },
    redial: { kind: 'duration', default: 30_000, help: 'a sybil replaces a lost connection after this long', min: 100, max: 86_400_000 },
    sampleEvery: { kind: 'duration', default: 60_000, help: 'interval between samples', min: 1000, max: 86_400_000 },
  },
  validate(_nodes, durationMs, p) {
    return (p.sybilStart as number) >= durationMs ? ['sybilStart must come before the end'] : [];
  },
  async run({ sim, nodes, durationMs, params, onProgress }) {
    const net = await growNetwork(sim, nodes, params);
    const swarm = new SybilSwarm(sim, {
      groups: params.sybilGroups as number,
      ipsPerGroup: params.sybilIpsPerGroup as number,
      idsPerIp: params.sybilIdsPerIp as number,
      dialsPerId: params.sybilDials as number,
      advertiseEveryMs: params.advertiseEvery as number,
      advertiseCount: params.advertiseCount as number,
      joinWindowMs: params.sybilJoinWindow as number,
      redialMs: params.redial as number,
    });
    await swarm.listen();
    const sybilStart = params.sybilStart as number;
    swarm.start(sybilStart, () => net.nodes.filter((n) => n.up).map((n) => n.endpoint));
    const outboundTarget = params.outbound as number;
    const groups = params.sybilGroups as number;
    const cap = Math.min(1, groups / outboundTarget);

    const series = new SeriesRecorder();
    const track = { maxPerNodeOutbound: 0, maxPerIpInbound: 0 };
    let last = { perNodeOutbound: [] as number[] };
    sim.sampleEvery(params.sampleEvery as number, () => {
      let out = 0;
      let outS = 0;
      let hot = 0;
      let hotS = 0;
      let inb = 0;
      let inbS = 0;
      let book = 0;
      let bookS = 0;
      let withSybil = 0;
      const perNode: number[] = [];
      const live = net.nodes.filter((n) => n.up);
      for (const sn of live) {
        let nodeOutS = 0;
        const perIp = new Map<string, number>();
        for (const p of sn.node.peers()) {
          if (p.purpose === 'feeler') continue;
          const ip = ipOfEndpoint(p.endpoint);
          const s = isHostileIp(ip);
          if (p.direction === 'outbound') {
            out++;
            if (s) {
              outS++;
              nodeOutS++;
            }
            if (p.temperature === 'hot') {
              hot++;
              if (s) hotS++;
            }
          } else {
            inb++;
            if (s) {
              inbS++;
              perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
            }
          }
        }
        for (const c of perIp.values()) track.maxPerIpInbound = Math.max(track.maxPerIpInbound, c);
        perNode.push(nodeOutS);
        if (nodeOutS > 0) withSybil++;
        track.maxPerNodeOutbound = Math.max(track.maxPerNodeOutbound, nodeOutS);
        for (const g of sn.node.addressBook.stats().byGroup) {
          const n = g.new + g.tried;
          book += n;
          if (isHostileGroup(g.group)) bookS += n;
        }
      }
      last = { perNodeOutbound: perNode };
      series.record(sim.elapsed, {
        outboundShare: out ? outS / out : 0,
        hotShare: hot ? hotS / hot : 0,
        inboundShare: inb ? inbS / inb : 0,
        bookShare: book ? bookS / book : 0,
        nodesWithSybilOutbound: live.length ? withSybil / live.length : 0,
        cap,
      });
    });
    await sim.runUntil(durationMs, onProgress ? { onProgress } : {});

    const idShare = swarm.ids / (swarm.ids + nodes);
    const final = (k: string) => series.last(k);
    const afterStart = series.toJSON();
    const outShares = afterStart.outboundShare!.filter((_, i) => afterStart.t[i]! > sybilStart);
    const firstAlarm = net.alarms.atMs.find((t) => t >= sybilStart);
    return {
      metrics: [
        metric('sybilIds', 'sybil node ids', swarm.ids, 'count', `${groups} /16s × ${params.sybilIpsPerGroup} IPs × ${params.sybilIdsPerIp} ids`),
        metric('idShare', 'sybil share of all node ids', idShare, 'share'),
        metric('outboundShareEnd', 'sybil share of honest outbound connections at the end', final('outboundShare'), 'share', `cap from one peer per /16: ${groups} of ${outboundTarget}`),
        metric('outboundShareMean', 'sybil share of honest outbound connections, mean after the start', mean(outShares), 'share'),
        metric('hotShareEnd', 'sybil share of hot outbound connections at the end', final('hotShare'), 'share'),
        metric('inboundShareEnd', 'sybil share of honest inbound connections at the end', final('inboundShare'), 'share', 'at most 4 per IP, evicted by net group when full'),
        metric('bookShareEnd', 'sybil share of honest address-book entries at the end', final('bookShare'), 'share', 'entries, not slots: a source /16 reaches at most 64 new buckets (of 1024 in a full book, of 256 in a simulated one)'),
        metric('nodesWithSybilOutbound', 'honest nodes with a sybil among their outbound peers', final('nodesWithSybilOutbound'), 'share'),
        metric('maxSybilOutboundPerNode', 'most sybil outbound peers of one node, any sample', track.maxPerNodeOutbound, 'count', `never above ${groups} (one per /16)`),
        metric('maxInboundPerIp', 'most inbound connections from one sybil IP to one node', track.maxPerIpInbound, 'count', 'limit 4'),
        metric('sybilConnections', 'sybil dials that connected', swarm.stats.connected, 'count'),
        metric('sybilDialsFailed', 'sybil dials refused or failed', swarm.stats.failed, 'count'),
        metric('alarmAfterMs', 'first eclipse alarm on an honest node, after the swarm started', firstAlarm === undefined ? null : firstAlarm - sybilStart, 'ms', `${net.alarms.nodes} of ${nodes} nodes raised one (${Object.entries(net.alarms.byKind).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'})`),
        metric('alarmsBeforeSwarm', 'eclipse alarms before the swarm started (false)', net.alarms.atMs.filter((t) => t < sybilStart).length, 'count', 'must be 0'),
        metric('problems', 'node errors', sim.problems.length, 'count'),
      ],
      checks: [
        check('one outbound peer per sybil /16 at most', track.maxPerNodeOutbound <= groups, `at most ${track.maxPerNodeOutbound} sybil outbound peers on any node (${groups} /16s)`),
        check('at most 4 inbound per sybil IP', track.maxPerIpInbound <= 4, `at most ${track.maxPerIpInbound} from one IP`),
        check('sybil outbound share below its id share', final('outboundShare') < idShare, `${(final('outboundShare') * 100).toFixed(1)}% of outbound vs ${(idShare * 100).toFixed(1)}% of ids`),
        check('no node errors', sim.problems.length === 0, sim.problems.length ? sim.problems[0]!.message : 'none'),
      ],
      series,
      charts: [
        {
          id: 'shares',
          title: `Sybil swarm: ${swarm.ids} ids in ${groups} /16s (${(idShare * 100).toFixed(0)}% of all ids)`,
          yLabel: 'sybil share',
          yFormat: 'percent',
          yMin: 0,
          yMax: 1,
          lines: [
            { metric: 'outboundShare', label: 'outbound' },
            { metric: 'hotShare', label: 'hot outbound' },
            { metric: 'inboundShare', label: 'inbound' },
            { metric: 'bookShare', label: 'address-book entries' },
            { metric: 'cap', label: 'outbound cap (groups / 12)', dashed: true },
          ],
        },
      ],
      timeline: [{ atMs: sybilStart, event: 'sybils join' }],
      details: { swarm: { ...swarm.stats, hostsBuilt: swarm.farm.stats.hosts }, sybilOutboundPerNode: roundedDistribution(last.perNodeOutbound) },
    };
  },
};
