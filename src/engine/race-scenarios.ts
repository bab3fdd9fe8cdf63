/**
 * Scenarios that race the vPMU's configuration and migration paths, each built so that the
 * clean model explores to SUCCESS and a planted bug of the catalog (check/bugs.ts names the
 * scenario of each) makes `explore` fail with that bug's oracle.
 */
import type { ScenarioSpec } from './scenario.js';

export const raceScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({});
