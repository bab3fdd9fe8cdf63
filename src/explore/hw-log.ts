/**
 * A run on workers as a log of seam steps (`vpmu-lab run --record FILE`), and its conversion
 * into a sim schedule (`vpmu-lab replay --from-hw FILE`). The flight recorder gives every
 * step of every thread one global sequence number — after a step is performed, before an
 * unlock — so the merged order respects every lock handover, grace period and wake-up the
 * hw run went through. The sim replays it step by step: at sim step k the thread the log
 * names must be able to step, and its pending op must be the logged one. Where it is not,
 * the hw run did something the seam cannot express (leaf work racing with another
 * thread's step, a read of state between two points), and the replay says where.
 */
import { writeFileSync } from 'node:fs';
import type { ScenarioSpec } from '../engine/scenario.js';
import type { HwStepLog } from '../engine/coordinator.js';
import { badField } from '../host/errors.js';
import { readJsonFile } from '../host/validate.js';

export const HW_LOG_FORMAT = 'vpmu-lab-hw-log/1';

export interface HwLogFile {
  readonly format: typeof HW_LOG_FORMAT;
  readonly build: string;
  /** The scenario as run (overrides applied), and its placement seed. */
  readonly scenario: ScenarioSpec;
  readonly seed: number;
  /** The guest trap batch of the hw run (a sim replay must batch its trap points alike). */
  readonly trapEvery: number;
  readonly verdict: 'SUCCESS' | 'FAILURE';
  readonly oracle?: string;
  readonly log: HwStepLog;
}

export function writeHwLog(path: string, f: HwLogFile): void {
  writeFileSync(path, JSON.stringify(f) + '\n');
}

export function readHwLog(path: string): HwLogFile {
  const raw = readJsonFile(path, 'hw log');
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.format !== HW_LOG_FORMAT) throw badField(`${path}.format`, `"${HW_LOG_FORMAT}" (written by vpmu-lab run --record)`, o?.format);
  const log = o.log as Record<string, unknown> | undefined;
  if (typeof log !== 'object' || log === null) throw badField(`${path}.log`, 'the step log object', log);
  for (const k of ['seq', 'thread', 'kind', 'arg'] as const) {
    if (!Array.isArray(log[k]) || (log[k] as unknown[]).length !== (log.seq as unknown[] | undefined)?.length) throw badField(`${path}.log.${k}`, 'an array as long as log.seq', log[k]);
  }
  if (!Number.isInteger(o.seed)) throw badField(`${path}.seed`, 'an integer', o.seed);
  if (!Number.isInteger(o.trapEvery) || (o.trapEvery as number) < 1) throw badField(`${path}.trapEvery`, 'a positive integer', o.trapEvery);
  return o as unknown as HwLogFile;
}
