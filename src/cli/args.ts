/**
 * A tiny argv parser: `--flag value`, `--flag=value` and boolean `--flag`; positionals in
 * order. Unknown flags are an error that lists the valid ones.
 */
import { VpmuLabError } from '../host/errors.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** `spec` maps each flag name to whether it takes a value. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, boolean>>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const takesValue = spec[name];
    if (takesValue === undefined) {
      throw new VpmuLabError(`unknown option --${name}; valid options: ${Object.keys(spec).map((f) => `--${f}`).join(', ')}`);
    }
    if (!takesValue) {
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new VpmuLabError(`option --${name} needs a value`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function intFlag(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw === true || !Number.isInteger(n) || n < min || n > max) {
    throw new VpmuLabError(`--${name}: expected an integer ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const raw = args.flags.get(name);
  return raw === true ? undefined : raw;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
