// Scenario "eclipse": an attacker with many addresses in few /16s floods a victim's address book and inbound slots.

import { check, metric, type Metric, type Scenario } from '../scenario.js';
import { ECLIPSE_PARAMS, runEclipse } from './eclipse-run.js';

/**
 * Figures of the reference simulation of Bitcoin Core's design (shared/reference, bitcoin-core-
 * addrman-connman-banman.md §4.4): the same table rules, a victim with 20,000 honest addresses
 * (3,000 in tried, half online), the attacker on 16 rate-limited inbound connections, entering
 * tried only through feelers. Shares are of occupied slots; p is the chance one selection returns
 * an attacker address.
 */
export const LITERATURE = {
  source: 'reference simulation of Bitcoin Core\'s addrman (§4.4 of the reference notes); paper: Heilman et al., "Eclipse Attacks on Bitcoin\'s Peer-to-Peer Network", USENIX Security 2015',
  rows: [
    { scenario: 'A: 256 /16 × 64 = 16,384 addresses, 16 sources', t: '1h', tried: 0.0, new: 0.224, p: 0.088, p8: 3.6e-9 },
    { scenario: 'A', t: '1d', tried: 0.051, new: 0.408, p: 0.189, p8: 1.6e-6 },
    { scenario: 'A', t: '30d', tried: 0.379, new: 0.365, p: 0.345, p8: 2.0e-4 },
    { scenario: 'C: infrastructure, 32 /16 × 256 = 8,192 addresses, 32 sources', t: '1d', tried: 0.039, new: 0.275, p: 0.141, p8: 1.6e-7 },
    { scenario: 'C', t: '30d', tried: 0.272, new: 0.231, p: 0.222, p8: 5.9e-6 },
    { scenario: 'E: sparse victim (2,000 new / 200 tried), attacker A', t: '1h', tried: 0.077, new: 0.742, p: 0.296, p8: 5.9e-5 },
    { scenario: 'E', t: '1d', tried: 0.57, new: 0.878, p: 0.586, p8: 1.4e-2 },
  ],
  paper: 'without the countermeasures: a 4,600-address botnet or 32 /24 blocks eclipse a victim with > 85 % probability',
  suggestedBounds: 'with 20k new / 3k tried honest entries, a 256 × 64 attacker on 16 inbound connections must hold ≤ 45 % of tried and ≤ 45 % of new after 30 days',
};

const CHECKPOINTS: readonly [string, number][] = [
  ['1h', 3_600_000],
  ['6h', 6 * 3_600_000],
  ['1d', 86_400_000],
  ['7d', 7 * 86_400_000],
  ['30d', 30 * 86_400_000],
];

export const eclipse: Scenario = {
  name: 'eclipse',
  title: 'Eclipse attack on one node',
  summary:
    'A victim with a long-lived address book (background addresses gossiped from hundreds of /16s, some in tried, half online) runs in ' +
    'a network of N honest nodes. From `attackStart` an attacker owning attackerGroups × attackerPerGroup addresses (all answering) holds ' +
    'up to `attackerInbound` inbound connections to it, floods ADDR on each, and answers every GETADDR with 1000 of its addresses. ' +
    "Reported over time: the attacker's share of the victim's outbound peers, inbound peers, tried and new slots, and p, the chance one " +
    'address selection returns an attacker address (p^8: all 8 of a restart\'s picks). Near the end the victim restarts. Compared with the reference figures.',
  defaultNodes: 50,
  minNodes: 4,
  defaultDurationMs: 6 * 3_600_000,
  params: ECLIPSE_PARAMS,
  validate(_nodes, durationMs, p) {
    const problems: string[] = [];
    if ((p.attackStart as number) >= durationMs) problems.push('attackStart must come before the end');
    if ((p.attackerGroups as number) * (p.attackerPerGroup as number) > 200_000) problems.push('at most 200,000 attacker addresses');
    return problems;
  },
  async run({ sim, nodes, durationMs, params, onProgress }) {
    const r = await runEclipse(sim, nodes, durationMs, params, { checkpoints: CHECKPOINTS, ...(onProgress ? { onProgress } : {}) });
    const { attacker, background, net, series, track, afterRestart, exchange, timeline, attackStart, alarm } = r;
    const t = r.seriesData;
    const at = (ms: number) => {
      let idx = -1;
      for (let i = 0; i < t.t.length; i++) if (t.t[i]! <= ms) idx = i;
      return idx;
    };
    // The share metrics at the reference's checkpoints (measured from the attack's start).
    const checkpointMetrics: Metric[] = [];
    const checkpoints = r.checkpoints.map((c) => ({ t: c.t, tried: c.tried, new: c.new, p: c.p, p8: c.p8, outbound: c.outbound }));
    for (const row of checkpoints) {
      const label = row.t;
      checkpointMetrics.push(
        metric(`triedShare_${label}`, `attacker share of tried, ${label} into the attack`, row.tried, 'share'),
        metric(`newShare_${label}`, `attacker share of new, ${label} into the attack`, row.new, 'share'),
        metric(`select_${label}`, `p (one selection returns the attacker), ${label}`, row.p, 'probability'),
        metric(`p8_${label}`, `p^8 (all 8 picks of a restart), ${label}`, row.p8, 'probability'),
      );
    }
    const final = (k: string) => series.last(k);
    const thirtyDays = attackStart + 30 * 86_400_000 <= durationMs ? at(attackStart + 30 * 86_400_000) : -1;
    const honestOutboundMin = Number.isFinite(track.minHonestOutbound) ? track.minHonestOutbound : 0;
    const restartShare = afterRestart.outbound > 0 ? afterRestart.hostile / afterRestart.outbound : null;
    return {
      metrics: [
        metric('addresses', 'attacker addresses', attacker.addresses.length, 'count', `${params.attackerGroups} /16s × ${params.attackerPerGroup}`),
        metric('outboundShareEnd', 'attacker share of outbound peers at the end', final('outboundShare'), 'share'),
        metric('outboundShareMax', 'attacker share of outbound peers, worst sample', track.maxOutboundShare, 'share', 'one automatic outbound peer per /16 caps it at attackerGroups / 12'),
        metric('honestOutboundMin', 'honest outbound peers, fewest', honestOutboundMin, 'count', '0 would be an eclipse'),
        metric('inboundShareEnd', 'attacker share of inbound peers at the end', final('inboundShare'), 'share'),
        metric('triedShareEnd', 'attacker share of tried slots at the end', final('triedShare'), 'share', 'enters only through feelers (one per 2 min) and test-before-evict'),
        metric('newShareEnd', 'attacker share of new slots at the end', final('newShare'), 'share', 'healthy honest entries with one reference cannot be pushed out'),
        metric('selectEnd', 'p at the end', final('select'), 'probability', 'chance one selection returns an attacker address (bucket-uniform, chance factor left out)'),
        metric('p8End', 'p^8 at the end', final('select') ** 8, 'probability', 'a restart that re-picks 8 outbound peers gets only attackers'),
        metric('restartOutboundShare', 'attacker share of outbound peers 10 min after a restart', restartShare, 'share', 'anchors (2 longest-lived hot peers) are dialled first'),
        metric('alarmAfterMs', "time from the attack's start to the victim's first eclipse alarm", alarm.firstAfterAttackMs, 'ms', alarm.firstKind ? `first: ${alarm.firstKind}` : 'never fired'),
        metric('alarmsBeforeAttack', 'alarms the victim raised before the attack (false alarms)', alarm.beforeAttack, 'count'),
        ...checkpointMetrics,
        metric('addrReceived', 'addresses received by the victim', exchange.addrReceived, 'count'),
        metric('addrRateLimited', '…dropped by the rate limit', exchange.addrRateLimited, 'count', '0.1 address/s per peer, 1000 after our GETADDR'),
        metric('addrAdded', '…added to the book', exchange.addrAdded, 'count'),
        metric('attackerConnections', 'attacker connections opened to the victim', attacker.stats.connectionsOpened, 'count'),
        metric('attackerRefused', 'attacker dials refused', attacker.stats.refused, 'count'),
        metric('problems', 'node errors', sim.problems.length, 'count'),
      ],
      checks: [
        check('never eclipsed', honestOutboundMin >= 1, `at least ${honestOutboundMin} honest outbound peer(s) at every sample`),
        check('attacker holds under half of the outbound peers', track.maxOutboundShare < 0.5, `worst sample ${(track.maxOutboundShare * 100).toFixed(1)}%`),
        // The reference's bound is for 30 days of attack: it says nothing about a shorter run.
        ...(thirtyDays >= 0
          ? [check('attacker holds at most 45 % of tried after 30 days', t.triedShare![thirtyDays]! <= 0.45, `${(t.triedShare![thirtyDays]! * 100).toFixed(1)}% 30 days into the attack (the reference's bound)`)]
          : []),
        check('no node errors', sim.problems.length === 0, sim.problems.length ? sim.problems[0]!.message : 'none'),
      ],
      series,
      charts: [
        {
          id: 'shares',
          title: `Eclipse: attacker (${attacker.addresses.length} addresses in ${params.attackerGroups} /16s) in the victim`,
          yLabel: 'attacker share',
          yFormat: 'percent',
          yMin: 0,
          yMax: 1,
          lines: [
            { metric: 'outboundShare', label: 'outbound peers' },
            { metric: 'inboundShare', label: 'inbound peers' },
            { metric: 'triedShare', label: 'tried slots' },
            { metric: 'newShare', label: 'new slots' },
            { metric: 'select', label: 'p (selection)', dashed: true },
          ],
        },
        {
          id: 'peers',
          title: "Victim's peers",
          yLabel: 'peers',
          yMin: 0,
          lines: [
            { metric: 'outbound', label: 'outbound' },
            { metric: 'hostileOutbound', label: 'attacker outbound' },
            { metric: 'inbound', label: 'inbound' },
            { metric: 'hostileInbound', label: 'attacker inbound' },
          ],
        },
        {
          id: 'book',
          title: "Victim's address book",
          yLabel: 'occupied slots',
          yMin: 0,
          lines: [
            { metric: 'newSlots', label: 'new' },
            { metric: 'tried', label: 'tried' },
          ],
        },
      ],
      timeline,
      details: {
        checkpoints,
        literature: LITERATURE,
        attacker: { ...attacker.stats, hostsBuilt: attacker.farm.stats.hosts, getaddrAnswered: attacker.farm.stats.getaddrAnswered },
        background: background ? { addresses: background.addresses.length, online: background.online.length, hostsBuilt: background.farm.stats.hosts } : null,
        addressPlan: net.plan?.summary() ?? null,
        attackerAses: params.attackerAses === 0 ? params.attackerGroups : Math.min(params.attackerAses as number, params.attackerGroups as number),
        exchange,
        alarm,
      },
    };
  },
};
