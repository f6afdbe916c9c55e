// The scenarios `peerwarden sim` knows, in the order it runs them.

import type { Scenario } from '../scenario.js';
import { bootstrap } from './bootstrap.js';
import { churn } from './churn.js';
import { partition } from './partition.js';
import { eclipse } from './eclipse.js';
import { eclipseStudy } from './eclipse-study.js';
import { sybil } from './sybil.js';

export const SCENARIOS: readonly Scenario[] = [bootstrap, churn, partition, eclipse, sybil, eclipseStudy];

/** What `peerwarden sim` runs without a scenario (or with `all`): every scenario but the study, which runs the eclipse eight times and is asked for by name. */
export const DEFAULT_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) => s !== eclipseStudy);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
