#!/usr/bin/env node
/**
 * The `vpmu-lab` command line. Every failure is one clear line on stderr and a non-zero
 * exit: 2 for bad input (unknown names, malformed files), 1 for an internal error.
 */
import { readFileSync } from 'node:fs';
import { VpmuLabError } from '../host/errors.js';
import { clientsCommand } from './clients-command.js';
import { demoCommand } from './demo-command.js';
import { presetsCommand, profilesCommand } from './list-commands.js';
import { runCommand } from './run-command.js';

const commands: Record<string, { run: (argv: string[]) => number | Promise<number>; help: string }> = {
  demo: { run: demoCommand, help: 'demo [--host PRESET|FILE.json] [--quanta N] [--json]   the flagship three-configuration demonstration' },
  clients: {
    run: clientsCommand,
    help: 'clients [NAME] --host PRESET|FILE.json [--profile P] [--vcpus N] [--main-cpu C] [--affinity LIST] [--json]   replay a real VMM',
  },
  run: {
    run: runCommand,
    help: 'run SCENARIO|FILE.json [--duration MS] [--quanta N] [--seed N] [--policy P] [--profile P] [--design D] [--json] [--quiet]   on real worker threads',
  },
  presets: { run: presetsCommand, help: 'presets [--json]   the built-in host topologies' },
  profiles: { run: profilesCommand, help: 'profiles [--json]   kernel profiles and their switches (spec §9)' },
};

function usage(): string {
  return ['usage: vpmu-lab <command> [options]', '', ...Object.values(commands).map((c) => `  vpmu-lab ${c.help}`)].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(version());
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`vpmu-lab: unknown command '${name}'; valid commands: ${Object.keys(commands).join(', ')}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof VpmuLabError) {
      console.error(`vpmu-lab ${name}: ${e.message}`);
      return 2;
    }
    console.error(`vpmu-lab ${name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.VPMU_LAB_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
