/**
 * A schedule: what replays one execution exactly — the scenario, the execution's seed (its
 * placement PRNG) and the steps at which the strategy deviated from the non-preemptive
 * default (strategy.ts `defaultPick`), with the thread it picked there. Files are JSON,
 * the switches delta-encoded as [steps since the previous switch, thread] pairs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { badField, VpmuLabError } from '../host/errors.js';
import type { ScenarioSpec } from '../engine/scenario.js';

export interface Switches {
  readonly steps: number[];
  readonly threads: number[];
}

export const SCHEDULE_FORMAT = 'vpmu-lab-schedule/1';

export interface ScheduleFile {
  readonly format: typeof SCHEDULE_FORMAT;
  /** The build that recorded it (a replay by another build may diverge). */
  readonly build: string;
  readonly scenario: ScenarioSpec;
  /** The strategy that found it, and its campaign seed (for the report). */
  readonly strategy: string;
  readonly campaignSeed: number;
  /** The execution's seed. */
  readonly seed: number;
  readonly maxSteps: number;
  /** Stop the run exactly after this many steps (a schedule converted from a hw run). */
  readonly stopAfter?: number;
  /** Guest trap batch (default 1, every access; a hw run's conversion: the hw batch). */
  readonly trapEvery?: number;
  readonly steps: number;
  readonly traceHash: string;
  readonly oracle?: string;
  readonly switches: Switches;
}

export function writeSchedule(path: string, s: ScheduleFile): void {
  const pairs: number[][] = [];
  let prev = 0;
  s.switches.steps.forEach((step, k) => {
    pairs.push([step - prev, s.switches.threads[k]!]);
    prev = step;
  });
  const { switches: _omit, ...rest } = s;
  writeFileSync(path, JSON.stringify({ ...rest, switches: pairs }) + '\n');
}

export function readSchedule(path: string): ScheduleFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VpmuLabError(`${path}: ${code ? `cannot read the schedule file (${code})` : `not valid JSON (${(e as Error).message})`}`);
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.format !== SCHEDULE_FORMAT) throw badField(`${path}.format`, `"${SCHEDULE_FORMAT}"`, o?.format);
  for (const k of ['seed', 'maxSteps', 'steps', 'campaignSeed'] as const) {
    if (!Number.isInteger(o[k])) throw badField(`${path}.${k}`, 'an integer', o[k]);
  }
  if (typeof o.scenario !== 'object' || o.scenario === null) throw badField(`${path}.scenario`, 'a scenario object', o.scenario);
  if (!Array.isArray(o.switches)) throw badField(`${path}.switches`, 'an array of [step delta, thread] pairs', o.switches);
  const steps: number[] = [];
  const threads: number[] = [];
  let at = 0;
  o.switches.forEach((p: unknown, k) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 0)) {
      throw badField(`${path}.switches[${k}]`, 'a [step delta, thread] pair of non-negative integers', p);
    }
    at += p[0] as number;
    steps.push(at);
    threads.push(p[1] as number);
  });
  return { ...(o as unknown as ScheduleFile), switches: { steps, threads } };
}
