/** Shared checks for user-written objects (topologies, scenarios): each names the field path. */
import { readFileSync } from 'node:fs';
import { badField, VpmuLabError } from './errors.js';

/**
 * A user's JSON file (a topology, a scenario, a schedule, a hw log): its parsed content, or
 * one line naming the file (as `label` says it) and what went wrong.
 */
export function readJsonFile(path: string, what: string, label = path): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VpmuLabError(`${label}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VpmuLabError(`${label}: not valid JSON (${(e as Error).message})`);
  }
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export function checkObject(path: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badField(path, 'an object', v);
  return v as Record<string, unknown>;
}

export function checkKnownKeys(path: string, o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new VpmuLabError(`${path}.${k}: unknown field; valid fields: ${keys.join(', ')}`);
  }
}

/** A required integer in [min, max]. */
export function intValue(path: string, v: unknown, min: number, max: number): number {
  if (!isInt(v) || v < min || v > max) throw badField(path, `an integer ${min}..${max}`, v);
  return v;
}

/** An optional integer field in [min, max], or the fallback. */
export function intField(path: string, v: unknown, fallback: number, min: number, max: number): number {
  return v === undefined ? fallback : intValue(path, v, min, max);
}

/** An optional field that must be one of `choices`, or the fallback. */
export function oneOf<T extends string>(path: string, v: unknown, choices: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw badField(path, `one of ${choices.join(', ')}`, v);
  return v as T;
}

export function checkArray(path: string, v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw badField(path, `an array of ${what}`, v);
  return v;
}
