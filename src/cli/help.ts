/**
 * Commands as data: each command is one `CommandSpec` (main.ts holds the table). Its
 * `options` are what parseArgs accepts and what `vpmu-lab <command> --help` and the
 * top-level usage print, so the options and their help cannot disagree.
 */
import type { OptionSpec, ParsedArgs } from './args.js';

/** What a command's code receives besides its arguments. */
export interface CommandContext {
  /** The command line after the command name, as typed. */
  readonly argv: readonly string[];
  /**
   * Aborted on SIGINT or SIGTERM (its `reason` is the signal's name) for commands declared
   * `interruptible`; main.ts installs the handlers before the command's code is even loaded.
   */
  readonly signal: AbortSignal;
}

export type CommandRun = (args: ParsedArgs, ctx: CommandContext) => number | Promise<number>;

export interface CommandSpec {
  /** The positional arguments as they appear in the usage (`SCENARIO|FILE.json`, `[NAME]`). */
  readonly args?: string;
  /** One line for the command list. */
  readonly summary: string;
  /** More lines for `--help`: positionals, exit codes, examples. */
  readonly details?: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** SIGINT/SIGTERM abort `ctx.signal` instead of killing the process. */
  readonly interruptible?: boolean;
  /** Loads the command's code (lazily: `--help` and early signal handling need none of it). */
  readonly load: () => Promise<CommandRun>;
}

function optionLabel(name: string, o: OptionSpec): string {
  return o.value === undefined ? `--${name}` : `--${name} ${o.value}`;
}

/** `run SCENARIO|FILE.json [--duration MS] … [--json]`. */
export function synopsis(name: string, c: CommandSpec): string {
  const opts = Object.entries(c.options).map(([n, o]) => `[${optionLabel(n, o)}]`);
  return [name, ...(c.args ? [c.args] : []), ...opts].join(' ');
}

/** The top-level usage: every command's synopsis and summary. */
export function formatUsage(commands: Readonly<Record<string, CommandSpec>>): string {
  return [
    'usage: vpmu-lab <command> [options]',
    '',
    ...Object.entries(commands).flatMap(([name, c]) => [`  vpmu-lab ${synopsis(name, c)}`, `      ${c.summary}`]),
    '',
    "'vpmu-lab <command> --help' explains a command's options; 'vpmu-lab --version' prints the version.",
  ].join('\n');
}

/** `vpmu-lab <command> --help`: the usage line, the summary, then every option with its help. */
export function formatCommandHelp(name: string, c: CommandSpec): string {
  const rows: [string, string][] = [
    ...Object.entries(c.options).map(([n, o]): [string, string] => [optionLabel(n, o), o.help]),
    ['-h, --help', 'print this help and exit'],
  ];
  const w = Math.max(...rows.map(([l]) => l.length));
  return [
    `usage: vpmu-lab ${name}${c.args ? ` ${c.args}` : ''}${Object.keys(c.options).length > 0 ? ' [options]' : ''}`,
    '',
    c.summary,
    ...(c.details?.length ? ['', ...c.details] : []),
    '',
    'options:',
    ...rows.map(([l, h]) => `  ${l.padEnd(w)}  ${h}`),
  ].join('\n');
}
