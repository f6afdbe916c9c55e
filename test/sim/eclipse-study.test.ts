// The eclipse study at toy size: one table row per case, configuration and horizon; the Core-equivalent column runs with every defence off.
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/sim/params.js';
import { caseParams, eclipseStudy, STUDY_CASES, victimConfigOf, type StudyDefences, type StudyRow } from '../../src/sim/scenarios/eclipse-study.js';
import { failedChecks, metricOf, runSmall, SMALL } from './helpers.js';

const TINY = `${SMALL},scale=0.005,attackStart=2m,sampleEvery=1m,background=40000,backgroundTried=6000,backgroundSources=40`;

describe('eclipse-study', () => {
  it('runs the chosen case in both configurations on one seed and reports the table, the alarm and the defences', async () => {
    const { result } = await runSmall('eclipse-study', 4, 5 * 60_000, `${TINY},caseB=false,caseC=false,caseD=false`);
    expect(failedChecks(result)).toEqual([]);
    const table = result.details.table as StudyRow[];
    // No horizon of the literature is reached in 3 minutes of attack: one "end" row per case and configuration.
    expect(table.map((r) => `${r.case}/${r.config}/${r.t}`)).toEqual(['a/core/end', 'a/defaults/end']);
    for (const r of table) {
      for (const k of ['tried', 'new', 'p', 'p8', 'outbound'] as const) {
        expect(r[k]).toBeGreaterThanOrEqual(0);
        expect(r[k]).toBeLessThanOrEqual(1);
      }
      expect(r.p8).toBeCloseTo(r.p ** 8, 12);
      // The attack floods the victim from many inbound peers: the alarm fires.
      expect(r.alarmMs).not.toBeNull();
      expect(metricOf(result, `${r.case}_${r.config}_end_tried`)).toBeCloseTo(r.tried, 4);
    }
    // The attacker is in the book, and the columns differ only in the victim's configuration.
    expect(table.find((r) => r.case === 'a' && r.config === 'core')!.new).toBeGreaterThan(0);
    const defences = result.details.defences as Record<string, StudyDefences>;
    expect(defences['a-core']).toEqual({ maxTriedPerSourceGroup: 0, asmap: false });
    expect(defences['a-defaults']!.maxTriedPerSourceGroup).toBeGreaterThan(0);
    expect(result.checks.map((c) => c.name)).toContain('Core-equivalent runs have every defence off');
    expect(result.charts).toEqual(['eclipse-study-tried.svg', 'eclipse-study-select.svg']);
  });

  it('keeps Core-equivalent settings whatever the parameters ask of the defaults', () => {
    const p = resolveParams(eclipseStudy.params, new Map([['asmap', 'true'], ['maxTriedPerSourceGroup', '7']]), []);
    for (const c of STUDY_CASES) expect(caseParams(c, p, 'core').asmap).toBe(false);
    expect(caseParams(STUDY_CASES[1]!, p, 'defaults').asmap).toBe(true);
    expect(victimConfigOf('core', p)).toEqual({ maxTriedPerSourceGroup: 0 });
    expect(victimConfigOf('defaults', p)).toEqual({ maxTriedPerSourceGroup: 7 });
    // Left at -1, the defaults column takes the node's own default.
    expect(victimConfigOf('defaults', resolveParams(eclipseStudy.params, new Map(), []))).toEqual({});
    // The sparse victim keeps its own book sizes; the others take the parameters'.
    const d = caseParams(STUDY_CASES[3]!, resolveParams(eclipseStudy.params, new Map(), []), 'core');
    expect([d.background, d.backgroundTried, d.attackerGroups, d.attackerPerGroup, d.attackerInbound]).toEqual([2000, 200, 32, 256, 32]);
  });
});
