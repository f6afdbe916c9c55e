// The scenarios `peerwarden sim` knows, in the order it runs them.

import type { Scenario } from '../scenario.js';
import { bootstrap } from './bootstrap.js';
import { churn } from './churn.js';
import { partition } from './partition.js';
import { eclipse } from './eclipse.js';
import { sybil } from './sybil.js';

export const SCENARIOS: readonly Scenario[] = [bootstrap, churn, partition, eclipse, sybil];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
