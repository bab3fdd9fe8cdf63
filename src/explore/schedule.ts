/**
 * A schedule: what replays one execution exactly — the scenario, the execution's seed (its
 * placement PRNG), the steps at which the strategy deviated from the non-preemptive
 * default (strategy.ts `defaultPick`) with the thread it picked there, and the injected
 * migrations. Files are JSON, delta-encoded: switches as [steps since the previous switch,
 * thread] pairs, migrations as [steps since the previous one, thread, cpu] triples.
 */
import { writeFileSync } from 'node:fs';
import { badField } from '../host/errors.js';
import { checkArray, checkObject, intValue, readJsonFile } from '../host/validate.js';
import type { ScenarioSpec } from '../engine/scenario.js';

export interface Switches {
  readonly steps: number[];
  readonly threads: number[];
}

/** Injected preempt-and-migrate actions: at step `steps[k]`, thread `threads[k]` moved to `cpus[k]`. */
export interface Migrations {
  readonly steps: number[];
  readonly threads: number[];
  readonly cpus: number[];
}

export const noMigrations = (): Migrations => ({ steps: [], threads: [], cpus: [] });

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
  readonly migrations: Migrations;
}

export function writeSchedule(path: string, s: ScheduleFile): void {
  const pairs: number[][] = [];
  let prev = 0;
  s.switches.steps.forEach((step, k) => {
    pairs.push([step - prev, s.switches.threads[k]!]);
    prev = step;
  });
  let at = 0;
  const moves = s.migrations.steps.map((step, k) => {
    const delta = step - at;
    at = step;
    return [delta, s.migrations.threads[k]!, s.migrations.cpus[k]!];
  });
  const { switches: _s, migrations: _m, ...rest } = s;
  writeFileSync(path, JSON.stringify({ ...rest, switches: pairs, migrations: moves }) + '\n');
}

export function readSchedule(path: string): ScheduleFile {
  const o = checkObject(path, readJsonFile(path, 'schedule file'));
  if (o.format !== SCHEDULE_FORMAT) throw badField(`${path}.format`, `"${SCHEDULE_FORMAT}"`, o.format);
  for (const k of ['seed', 'steps', 'campaignSeed'] as const) intValue(`${path}.${k}`, o[k], 0, 2 ** 53);
  intValue(`${path}.maxSteps`, o.maxSteps, 1, 1e9);
  if (o.stopAfter !== undefined) intValue(`${path}.stopAfter`, o.stopAfter, 0, 1e9);
  if (o.trapEvery !== undefined) intValue(`${path}.trapEvery`, o.trapEvery, 1, 1e6);
  if (typeof o.traceHash !== 'string') throw badField(`${path}.traceHash`, 'the recorded trace hash', o.traceHash);
  checkObject(`${path}.scenario`, o.scenario);
  const [steps, threads] = deltaColumns(`${path}.switches`, o.switches, 2, '[step delta, thread] pairs');
  const [mSteps, mThreads, cpus] = deltaColumns(`${path}.migrations`, o.migrations ?? [], 3, '[step delta, thread, cpu] triples');
  return { ...(o as unknown as ScheduleFile), switches: { steps: steps!, threads: threads! }, migrations: { steps: mSteps!, threads: mThreads!, cpus: cpus! } };
}

/** Delta-encoded tuples of non-negative integers as columns, the first one summed up. */
function deltaColumns(path: string, raw: unknown, width: number, what: string): number[][] {
  const columns = Array.from({ length: width }, () => [] as number[]);
  let at = 0;
  checkArray(path, raw, what).forEach((t: unknown, k) => {
    if (!Array.isArray(t) || t.length !== width || !t.every((x) => Number.isInteger(x) && x >= 0)) {
      throw badField(`${path}[${k}]`, `one of ${what} (non-negative integers)`, t);
    }
    at += t[0] as number;
    columns[0]!.push(at);
    for (let c = 1; c < width; c++) columns[c]!.push(t[c] as number);
  });
  return columns;
}
