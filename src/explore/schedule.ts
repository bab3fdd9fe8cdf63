/**
 * A schedule: what replays one execution exactly — the scenario, the execution's seed (its
 * placement PRNG), the steps at which the strategy deviated from the non-preemptive
 * default (strategy.ts `defaultPick`) with the thread it picked there, and the injected
 * migrations. Files are JSON, delta-encoded: switches as [steps since the previous switch,
 * thread] pairs, migrations as [steps since the previous one, thread, cpu] triples.
 */
import { writeFileSync } from 'node:fs';
import { badField } from '../host/errors.js';
import { readJsonFile } from '../host/validate.js';
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
  const raw = readJsonFile(path, 'schedule file');
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
  const migrations = noMigrations();
  if (o.migrations !== undefined && !Array.isArray(o.migrations)) throw badField(`${path}.migrations`, 'an array of [step delta, thread, cpu] triples', o.migrations);
  let step = 0;
  ((o.migrations as unknown[] | undefined) ?? []).forEach((m, k) => {
    if (!Array.isArray(m) || m.length !== 3 || !m.every((x) => Number.isInteger(x) && x >= 0)) {
      throw badField(`${path}.migrations[${k}]`, 'a [step delta, thread, cpu] triple of non-negative integers', m);
    }
    step += m[0] as number;
    migrations.steps.push(step);
    migrations.threads.push(m[1] as number);
    migrations.cpus.push(m[2] as number);
  });
  return { ...(o as unknown as ScheduleFile), switches: { steps, threads }, migrations };
}
