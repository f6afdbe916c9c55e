import { describe, expect, it } from 'vitest';
import { failedChecks, metricOf, runSmall, SMALL } from './helpers.js';

// Each scenario at a dozen or two nodes and minutes of virtual time: the qualitative outcome the
// policy promises, through the real node code. (Default-sized runs are in docs/simulator.md.)
describe('simulator scenarios at small scale', () => {
  it('bootstrap: every node reaches its targets from the seeds, in one connected network with outbound peers in distinct /16s', async () => {
    const { result } = await runSmall('bootstrap', 12, 2 * 60_000, SMALL);
    expect(failedChecks(result)).toEqual([]);
    expect(metricOf(result, 'components')).toBe(1);
    expect(metricOf(result, 'atTargetEnd')).toBe(1);
    expect(metricOf(result, 'convergedAtMs')).not.toBeNull();
    expect(metricOf(result, 'sharedGroupNodes')).toBe(0);
    expect(metricOf(result, 'diameter')).toBeGreaterThanOrEqual(1);
    expect(metricOf(result, 'meanDegree')).toBeGreaterThanOrEqual(4);
    // The series tracks the ramp: nobody at targets before anyone started, everyone at the end.
    expect(result.series.atTarget![0]!).toBeLessThan(1);
    expect(result.series.atTarget!.at(-1)).toBe(1);
    expect(result.charts).toEqual(['bootstrap-targets.svg', 'bootstrap-degree.svg', 'bootstrap-known.svg']);
  });

  it('churn: with nodes leaving and returning all the time, settled nodes stay connected and (re)joining nodes reach their targets', async () => {
    const { result } = await runSmall('churn', 14, 14 * 60_000, `${SMALL},warmup=2m,rate=4,offlineMin=1m,offlineMax=3m,settled=2m`);
    expect(failedChecks(result)).toEqual([]);
    expect(metricOf(result, 'departures')).toBeGreaterThanOrEqual(5);
    expect(metricOf(result, 'returns')! + metricOf(result, 'freshJoins')!).toBe(metricOf(result, 'departures'));
    expect(metricOf(result, 'minSettledConnected')).toBe(1);
    expect(metricOf(result, 'rejoinsReachedTargets')).toBeGreaterThanOrEqual(0.95);
    // Fewer live nodes while some are away.
    expect(Math.min(...result.series.live!)).toBeLessThan(14);
  });

  it('partition: the cut splits the network in two working halves, and it heals into one after the cut ends', async () => {
    const { result } = await runSmall('partition', 20, 16 * 60_000, `${SMALL},warmup=4m,partitionFor=5m`);
    expect(failedChecks(result)).toEqual([]);
    expect(metricOf(result, 'crossShareBefore')).toBeGreaterThan(0.2);
    expect(metricOf(result, 'componentsEndOfCut')).toBe(2);
    expect(metricOf(result, 'splitAfterMs')).toBeLessThanOrEqual(5 * 60_000);
    expect(metricOf(result, 'healAfterMs')).not.toBeNull();
    expect(result.series.components!.at(-1)).toBe(1);
    expect(metricOf(result, 'crossShareEnd')).toBeGreaterThan(0);
  });

  it('eclipse: a flooding attacker in 8 /16s fills new slots and inbound, yet holds few outbound peers and little of tried, also after a restart', async () => {
    const { result } = await runSmall(
      'eclipse',
      6,
      35 * 60_000,
      `${SMALL},background=600,backgroundTried=60,attackerGroups=8,attackerPerGroup=32,attackerInbound=20,attackStart=2m,sampleEvery=1m`,
    );
    expect(failedChecks(result)).toEqual([]);
    // The attack is real: inbound slots taken, ADDR floods rate-limited, attacker addresses in the new table.
    expect(metricOf(result, 'attackerConnections')).toBeGreaterThanOrEqual(20);
    expect(metricOf(result, 'inboundShareEnd')).toBeGreaterThan(0.5);
    expect(metricOf(result, 'addrRateLimited')).toBeGreaterThan(metricOf(result, 'addrAdded')!);
    expect(metricOf(result, 'newShareEnd')).toBeGreaterThan(0.1);
    // …and the defences hold: at most one outbound slot per attacker /16, tried barely touched.
    expect(metricOf(result, 'honestOutboundMin')).toBeGreaterThanOrEqual(1);
    expect(metricOf(result, 'outboundShareMax')).toBeLessThan(0.5);
    expect(metricOf(result, 'triedShareEnd')).toBeLessThan(0.2);
    expect(metricOf(result, 'restartOutboundShare')).not.toBeNull();
    expect(metricOf(result, 'restartOutboundShare')).toBeLessThan(0.5);
    expect(result.details.literature).toBeDefined();
  });

  it('sybil: 20 ids on 4 IPs in 2 /16s take inbound slots but never more than one outbound slot per /16 of any node', async () => {
    const { result } = await runSmall('sybil', 12, 10 * 60_000, `${SMALL},sybilGroups=2,sybilIpsPerGroup=2,sybilIdsPerIp=5,sybilStart=2m,sybilJoinWindow=1m`);
    expect(failedChecks(result)).toEqual([]);
    expect(metricOf(result, 'sybilIds')).toBe(20);
    expect(metricOf(result, 'maxSybilOutboundPerNode')).toBeLessThanOrEqual(2);
    expect(metricOf(result, 'maxInboundPerIp')).toBeLessThanOrEqual(4);
    expect(metricOf(result, 'inboundShareEnd')).toBeGreaterThan(0);
    expect(metricOf(result, 'outboundShareEnd')).toBeLessThan(metricOf(result, 'idShare')!);
  });
});
