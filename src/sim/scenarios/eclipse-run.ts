// One eclipse run, shared by the "eclipse" and "eclipse-study" scenarios: victim, background, attacker, samples, alarm, checkpoints.

import { backgroundPrefixes, BACKGROUND_ASN_BASE, HOSTILE_ASN_BASE, hostilePrefixes } from '../address-plan.js';
import { isHostileGroup, isHostileIp, ipOfEndpoint, endpointOf } from '../addresses.js';
import { EclipseAttacker } from '../attacker.js';
import { Background } from '../background.js';
import { bookShare } from '../book-share.js';
import { FULL_BOOK, type HonestNetwork, type SimNode } from '../honest.js';
import type { NodeConfig } from '../../node/config.js';
import type { NodeRuntime } from '../../node/runtime.js';
import type { ParamSpecs, ParamValues } from '../params.js';
import { SeriesRecorder, type SeriesData } from '../series.js';
import { SimStore } from '../sim-store.js';
import type { Simulation } from '../simulation.js';
import type { TimelineEvent } from '../scenario.js';
import { growNetwork, HONEST_PARAMS } from './common.js';

/** Parameters of the victim, its background and the attacker (the eclipse scenario's, and the study's base). */
export const ECLIPSE_PARAMS: ParamSpecs = {
  ...HONEST_PARAMS,
  background: { kind: 'int', default: 20_000, help: 'honest addresses in the victim\'s book before it starts (0: a fresh victim that knows only the seeds)', min: 0, max: 100_000 },
  backgroundSources: { kind: 'int', default: 400, help: '/16s they were gossiped from', min: 1, max: 10_000 },
  backgroundOnline: { kind: 'number', default: 0.5, help: 'share of them that answer', min: 0, max: 1 },
  backgroundTried: { kind: 'int', default: 3000, help: 'online ones already in tried', min: 0, max: 100_000 },
  backgroundAnswer: { kind: 'int', default: 1000, help: 'addresses an online one returns to GETADDR', min: 0, max: 1000 },
  attackerGroups: { kind: 'int', default: 32, help: 'attacker /16s', min: 1, max: 3840 },
  attackerPerGroup: { kind: 'int', default: 256, help: 'attacker addresses per /16', min: 1, max: 4096 },
  attackerInbound: { kind: 'int', default: 100, help: 'inbound connections the attacker keeps to the victim (100 fills its slots)', min: 0, max: 1000 },
  attackerAses: { kind: 'int', default: 0, help: "ASes the attacker's /16s belong to, in contiguous runs (0: one AS per /16); matters with asmap=true", min: 0, max: 3840 },
  floodEvery: { kind: 'duration', default: 30_000, help: 'interval between ADDR messages on each attacker connection', min: 100, max: 86_400_000 },
  addrPerMessage: { kind: 'int', default: 1000, help: 'entries per attacker ADDR', min: 1, max: 1000 },
  reconnect: { kind: 'duration', default: 30_000, help: 'attacker waits this long before reopening a closed connection', min: 100, max: 86_400_000 },
  attackStart: { kind: 'duration', default: 10 * 60_000, help: 'when the attack begins', min: 0, max: 30 * 86_400_000 },
  restart: { kind: 'bool', default: true, help: 'restart the victim 15 min before the end and measure its outbound peers 10 min later', min: 0, max: 1 },
  sampleEvery: { kind: 'duration', default: 5 * 60_000, help: 'interval between samples', min: 1000, max: 86_400_000 },
};

/** A hostile net group as the book names it: an address /16 of the hostile range, or an attacker AS ("AS300001") with an asmap. */
export function isHostileGroupName(group: string): boolean {
  if (group.startsWith('AS')) {
    const asn = Number(group.slice(2));
    return asn > HOSTILE_ASN_BASE && asn < BACKGROUND_ASN_BASE;
  }
  return isHostileGroup(group);
}

/** The attacker's numbers at one horizon (measured from the attack's start). */
export interface EclipseCheckpoint {
  t: string;
  /** Ms after the attack's start. */
  afterMs: number;
  tried: number;
  new: number;
  p: number;
  p8: number;
  /** Attacker share of the victim's automatic outbound peers. */
  outbound: number;
}

/** The victim's eclipse alarm over the run. */
export interface AlarmRecord {
  /** Ms from the attack's start to the first alarm raised after it (null: none). */
  firstAfterAttackMs: number | null;
  /** Kind of that first alarm. */
  firstKind: string | null;
  /** Alarms raised before the attack began (on an honest network: false alarms). */
  beforeAttack: number;
  /** Every raising, by kind. */
  raised: Record<string, number>;
}

export interface EclipseRunOptions {
  /** Extra node configuration of the victim (defences under study). */
  victimConfig?: NodeConfig;
  /** Extra runtime settings of the victim. */
  victimRuntime?: NodeRuntime;
  /** Checkpoints to report: label and ms after the attack's start (those the run reaches). */
  checkpoints: readonly (readonly [string, number])[];
  onProgress?(elapsedMs: number): void;
}

export interface EclipseRun {
  net: HonestNetwork;
  victim: SimNode;
  attacker: EclipseAttacker;
  background: Background | undefined;
  series: SeriesRecorder;
  seriesData: SeriesData;
  timeline: TimelineEvent[];
  attackStart: number;
  checkpoints: EclipseCheckpoint[];
  /** The sample at or before `ms` after the attack's start (null: none yet). */
  sampleAt(afterMs: number, label?: string): EclipseCheckpoint | null;
  track: { maxOutboundShare: number; minHonestOutbound: number; maxInboundShare: number };
  afterRestart: { outbound: number; hostile: number };
  exchange: { addrReceived: number; addrRateLimited: number; addrAdded: number };
  alarm: AlarmRecord;
}

/** Builds the network, the attacker, the background and the victim on `sim`, runs to `durationMs`, and returns what was measured. */
export async function runEclipse(sim: Simulation, nodes: number, durationMs: number, params: ParamValues, options: EclipseRunOptions): Promise<EclipseRun> {
  const backgroundGroups = Math.ceil((params.background as number) / 4);
  const prefixes = [...hostilePrefixes(params.attackerGroups as number, params.attackerAses as number), ...backgroundPrefixes(backgroundGroups)];
  const net = await growNetwork(sim, nodes, params, { prefixes });
  const attacker = new EclipseAttacker(sim, {
    groups: params.attackerGroups as number,
    perGroup: params.attackerPerGroup as number,
    inbound: params.attackerInbound as number,
    floodEveryMs: params.floodEvery as number,
    addrPerMessage: params.addrPerMessage as number,
    reconnectMs: params.reconnect as number,
  });
  await attacker.listen();

  // The victim: a full-size book, pre-filled with the background (and the honest nodes) as after a long run.
  const store = new SimStore();
  let background: Background | undefined;
  if ((params.background as number) > 0) {
    background = new Background(sim, {
      count: params.background as number,
      sources: params.backgroundSources as number,
      online: params.backgroundOnline as number,
      tried: params.backgroundTried as number,
      answer: params.backgroundAnswer as number,
      spreadMs: 48 * 3_600_000,
    });
    await background.listen();
    store.saveAddressBook(background.book(FULL_BOOK, net.nodes.map((n) => endpointOf(n.ip))));
  }
  const victim: SimNode = await net.add({
    role: 'victim',
    store,
    ...(options.victimConfig ? { config: options.victimConfig } : {}),
    runtime: { ...options.victimRuntime, addressBook: FULL_BOOK },
  });
  const victimStart = params.joinWindow as number;
  sim.at(victimStart, 'victim starts', () => net.start(victim));
  const attackStart = params.attackStart as number;
  sim.at(attackStart, 'attack starts', () => attacker.attack(victim.endpoint));

  // The alarm: when the victim first raises one after the attack began, and any it raised before.
  const alarm: AlarmRecord = { firstAfterAttackMs: null, firstKind: null, beforeAttack: 0, raised: {} };
  victim.node.on('node:alarm', (e) => {
    if (e.state !== 'raised') return;
    alarm.raised[e.alarm.kind] = (alarm.raised[e.alarm.kind] ?? 0) + 1;
    const t = sim.elapsed;
    if (t < attackStart) alarm.beforeAttack++;
    else if (alarm.firstAfterAttackMs === null) {
      alarm.firstAfterAttackMs = t - attackStart;
      alarm.firstKind = e.alarm.kind;
    }
  });

  const timeline = [
    { atMs: victimStart, event: 'victim starts' },
    { atMs: attackStart, event: 'attack starts' },
  ].sort((a, b) => a.atMs - b.atMs);
  const restartAt = durationMs - 15 * 60_000;
  const restarting = params.restart === true && restartAt > Math.max(attackStart, victimStart) + 15 * 60_000;
  const afterRestart = { outbound: NaN, hostile: NaN };
  let exchangeBefore = { addrReceived: 0, addrRateLimited: 0, addrAdded: 0 };
  const exchangeNow = () => {
    const ex = victim.node.stats().exchange;
    return { addrReceived: ex?.addrReceived ?? 0, addrRateLimited: ex?.addrRateLimited ?? 0, addrAdded: ex?.addrAdded ?? 0 };
  };
  const outboundOf = () => {
    const out = victim.node.peers().filter((p) => p.direction === 'outbound' && p.purpose !== 'feeler');
    return { total: out.length, hostile: out.filter((p) => isHostileIp(ipOfEndpoint(p.endpoint))).length };
  };
  if (restarting) {
    timeline.push({ atMs: restartAt, event: 'victim restarts' });
    sim.at(restartAt, 'victim restarts', async () => {
      exchangeBefore = exchangeNow();
      await net.stop(victim);
      await net.start(victim);
    });
    sim.at(restartAt + 10 * 60_000, 'after the restart', () => {
      const o = outboundOf();
      afterRestart.outbound = o.total;
      afterRestart.hostile = o.hostile;
    });
  }

  const series = new SeriesRecorder();
  const track = { maxOutboundShare: 0, minHonestOutbound: Infinity, maxInboundShare: 0 };
  sim.sampleEvery(params.sampleEvery as number, () => {
    if (!victim.up) return;
    const out = outboundOf();
    const inbound = victim.node.peers().filter((p) => p.direction === 'inbound');
    const inboundHostile = inbound.filter((p) => isHostileIp(ipOfEndpoint(p.endpoint))).length;
    const share = bookShare(victim.node.addressBook, isHostileGroupName);
    const outboundShare = out.total ? out.hostile / out.total : 0;
    const inboundShare = inbound.length ? inboundHostile / inbound.length : 0;
    // Two minutes in, the victim has had time to fill its slots.
    if (sim.elapsed - victim.upSince >= 120_000) {
      track.maxOutboundShare = Math.max(track.maxOutboundShare, outboundShare);
      track.minHonestOutbound = Math.min(track.minHonestOutbound, out.total - out.hostile);
      track.maxInboundShare = Math.max(track.maxInboundShare, inboundShare);
    }
    series.record(sim.elapsed, {
      outboundShare,
      inboundShare,
      triedShare: share.tried.share,
      newShare: share.new.share,
      select: share.select,
      outbound: out.total,
      hostileOutbound: out.hostile,
      inbound: inbound.length,
      hostileInbound: inboundHostile,
      tried: share.tried.occupied,
      newSlots: share.new.occupied,
    });
  });
  await sim.runUntil(durationMs, options.onProgress ? { onProgress: options.onProgress } : {});

  const ex = exchangeNow();
  const exchange = {
    addrReceived: exchangeBefore.addrReceived + ex.addrReceived,
    addrRateLimited: exchangeBefore.addrRateLimited + ex.addrRateLimited,
    addrAdded: exchangeBefore.addrAdded + ex.addrAdded,
  };
  const t = series.toJSON();
  const sampleAt = (afterMs: number, label = 'end'): EclipseCheckpoint | null => {
    let i = -1;
    for (let k = 0; k < t.t.length; k++) if (t.t[k]! <= attackStart + afterMs) i = k;
    if (i < 0) return null;
    const p = t.select![i]!;
    return { t: label, afterMs, tried: t.triedShare![i]!, new: t.newShare![i]!, p, p8: p ** 8, outbound: t.outboundShare![i]! };
  };
  const checkpoints: EclipseCheckpoint[] = [];
  for (const [label, ms] of options.checkpoints) {
    if (attackStart + ms > durationMs) continue;
    const row = sampleAt(ms, label);
    if (row) checkpoints.push(row);
  }
  return { net, victim, attacker, background, series, seriesData: t, timeline, attackStart, checkpoints, sampleAt, track, afterRestart, exchange, alarm };
}
