/**
 * The benchmark's JSON, API.md "Benchmark JSON (keep exactly)": one line,
 * `{ floor: { atomicsAddNs, casLockNs, oneWayWakeNs }, figures: [{ name, median, min, max,
 * ratio, baseline, target?, met? }] }`, times in ns per operation, `ratio` = median over
 * the named baseline figure's median (or the floor entry) of the same run.
 */
import type { Figure } from './sim-step.js';

export interface Floor {
  readonly atomicsAddNs: number;
  readonly casLockNs: number;
  readonly oneWayWakeNs: number;
}

export type FloorName = keyof Floor;
export const FLOOR_NAMES: readonly FloorName[] = Object.freeze(['atomicsAddNs', 'casLockNs', 'oneWayWakeNs']);

export interface JsonFigure {
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly ratio: number;
  /** A floor entry's name or another figure's. */
  readonly baseline: string;
  readonly target?: string;
  readonly met?: boolean;
}

export interface BenchJson {
  readonly floor: Floor;
  readonly figures: readonly JsonFigure[];
}

/** Names API.md requires, each with its baseline. */
export const REQUIRED_FIGURES: Readonly<Record<string, string>> = Object.freeze({
  'bare-walk-4': 'bare-walk-4',
  'rcu-read-side-4': 'bare-walk-4',
  'rcu-memb-read-side-4': 'bare-walk-4',
  'mutex-lookup-4': 'bare-walk-4',
  'guest-access': 'atomicsAddNs',
  'load-put': 'atomicsAddNs',
  migration: 'oneWayWakeNs',
  'sim-step': 'bare-generator-step',
  'bare-generator-step': 'atomicsAddNs',
});

/** A target: the figure's ratio (or, `absoluteNs`, its median in ns) must stay ≤ `limit`. */
export interface Target {
  readonly limit: number;
  readonly text: string;
  readonly absoluteNs?: boolean;
}

/** What is being measured, before the ratios: a figure, its baseline, its target if any. */
export interface Measured {
  readonly name: string;
  readonly figure: Figure;
  readonly baseline: string;
  readonly target?: Target;
  /** The human table's description. */
  readonly label: string;
}

/** Builds the JSON object: ratios against the same run's floor and figures, targets met or not. */
export function buildBenchJson(floor: Floor, measured: readonly Measured[]): BenchJson {
  const byName = new Map(measured.map((m) => [m.name, m]));
  const baseNs = (b: string): number => {
    if ((FLOOR_NAMES as readonly string[]).includes(b)) return floor[b as FloorName];
    const f = byName.get(b);
    if (!f) throw new Error(`bench: figure baseline ${b} is neither a floor entry nor a figure of this run`);
    return f.figure.median;
  };
  const figures = measured.map((m): JsonFigure => {
    const ratio = m.figure.median / baseNs(m.baseline);
    const base = { name: m.name, median: m.figure.median, min: m.figure.min, max: m.figure.max, ratio, baseline: m.baseline };
    if (!m.target) return base;
    const value = m.target.absoluteNs ? m.figure.median : ratio;
    return { ...base, target: m.target.text, met: value <= m.target.limit };
  });
  return { floor: { atomicsAddNs: floor.atomicsAddNs, casLockNs: floor.casLockNs, oneWayWakeNs: floor.oneWayWakeNs }, figures };
}

/** Problems with a parsed benchmark JSON against API.md (empty: none). */
export function benchJsonProblems(json: unknown): string[] {
  const out: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!isObj(json)) return ['not an object'];
  const keys = Object.keys(json).sort().join(',');
  if (keys !== 'figures,floor') out.push(`top-level keys ${keys}, expected floor and figures`);
  const floor = json['floor'];
  if (!isObj(floor) || Object.keys(floor).sort().join(',') !== [...FLOOR_NAMES].sort().join(',')) out.push('floor: keys must be atomicsAddNs, casLockNs, oneWayWakeNs');
  else for (const k of FLOOR_NAMES) if (!num(floor[k]) || (floor[k] as number) <= 0) out.push(`floor.${k} is not a positive number`);
  const figures = json['figures'];
  if (!Array.isArray(figures)) return [...out, 'figures is not an array'];
  const names = new Set<string>();
  const allowed = new Set(['name', 'median', 'min', 'max', 'ratio', 'baseline', 'target', 'met']);
  for (const f of figures as unknown[]) {
    if (!isObj(f) || typeof f['name'] !== 'string') {
      out.push('a figure without a name');
      continue;
    }
    const n = f['name'];
    if (names.has(n)) out.push(`figure ${n} twice`);
    names.add(n);
    for (const k of Object.keys(f)) if (!allowed.has(k)) out.push(`figure ${n}: unexpected key ${k}`);
    for (const k of ['median', 'min', 'max', 'ratio']) if (!num(f[k])) out.push(`figure ${n}: ${k} is not a finite number`);
    if (num(f['min']) && num(f['median']) && num(f['max']) && !((f['min'] as number) <= (f['median'] as number) && (f['median'] as number) <= (f['max'] as number))) {
      out.push(`figure ${n}: not min ≤ median ≤ max`);
    }
    if (typeof f['baseline'] !== 'string') out.push(`figure ${n}: baseline is not a string`);
    if ('target' in f && typeof f['target'] !== 'string') out.push(`figure ${n}: target is not a string`);
    if ('met' in f && typeof f['met'] !== 'boolean') out.push(`figure ${n}: met is not a boolean`);
    if ('target' in f !== 'met' in f) out.push(`figure ${n}: target and met go together`);
  }
  for (const f of figures as Record<string, unknown>[]) {
    const b = f['baseline'];
    if (typeof b === 'string' && !(FLOOR_NAMES as readonly string[]).includes(b) && !names.has(b)) out.push(`figure ${String(f['name'])}: baseline ${b} is not in this run`);
  }
  for (const [name, baseline] of Object.entries(REQUIRED_FIGURES)) {
    const f = (figures as Record<string, unknown>[]).find((x) => isObj(x) && x['name'] === name);
    if (!f) out.push(`figure ${name} missing`);
    else if (f['baseline'] !== baseline) out.push(`figure ${name}: baseline ${String(f['baseline'])}, expected ${baseline}`);
  }
  return out;
}
