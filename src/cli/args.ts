/**
 * A tiny argv parser: `--flag value`, `--flag=value` and boolean `--flag`; positionals in
 * order. Unknown flags are an error that lists the valid ones. `--help` and `-h` are valid
 * for every command (ParsedArgs.help); main.ts answers them from the command's declaration.
 */
import { VpmuLabError } from '../host/errors.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** Every value a repeatable option was given, in order (`--bug a --bug b,c` → a, b, c). */
  lists: Map<string, string[]>;
  /** `--help` or `-h` was given. */
  help: boolean;
}

/** One option of a command: the same declaration drives the parser and the help text. */
export interface OptionSpec {
  /** The placeholder of the option's value (`--duration MS`); absent for a boolean flag. */
  readonly value?: string;
  /** One line: what the option does, its default. */
  readonly help: string;
  /** May be given more than once; each value may be a comma-separated list (ParsedArgs.lists). */
  readonly repeatable?: boolean;
}

/** Option name (without `--`) → its declaration, or (older form) whether it takes a value. */
export type OptionsSpec = Readonly<Record<string, OptionSpec | boolean>>;

/** True if `argv` asks for help (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

export function parseArgs(argv: readonly string[], spec: OptionsSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const decl = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (decl === undefined) {
      const valid = [...Object.keys(spec), 'help'].map((f) => `--${f}`).join(', ');
      throw new VpmuLabError(`unknown option --${name}; valid options: ${valid}`);
    }
    const takesValue = typeof decl === 'boolean' ? decl : decl.value !== undefined;
    if (!takesValue) {
      if (eq >= 0) throw new VpmuLabError(`option --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new VpmuLabError(`option --${name} needs a value`);
    flags.set(name, value);
    if (typeof decl !== 'boolean' && decl.repeatable) {
      const names = value.split(',').filter((x) => x !== '');
      if (names.length === 0) throw new VpmuLabError(`option --${name} needs a value`);
      lists.set(name, [...(lists.get(name) ?? []), ...names]);
    }
  }
  return { positionals, flags, lists, help };
}

/** For commands that take no positional argument. */
export function noPositionals(args: ParsedArgs): void {
  if (args.positionals.length > 0) throw new VpmuLabError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
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
