/**
 * `vpmu-lab <command> --help` and `vpmu-lab scenarios`, through the built CLI. The expected
 * options are spelled out here, independently of main.ts's declarations: a help text that
 * drops an option, or lists one the command does not take, fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const scratch = mkdtempSync(join(tmpdir(), 'vpmu-help-'));

/** A hw run's step log (`run --record`) of a tiny scenario that passes. */
function hwLog(): string {
  const scenario = join(scratch, 'tiny.json');
  writeFileSync(scenario, JSON.stringify({ name: 'tiny', host: 'rk3399', quanta: 2, vms: [{ vcpus: [{ workload: 'idle' }] }] }));
  const log = join(scratch, 'tiny.hw.json');
  expect(cli('run', scenario, '--record', log, '--quiet').code).toBe(0);
  return log;
}

/** Every command, its options, and one invocation that uses all of them (it must be accepted: exit 0). */
const commands: Record<string, { options: string[]; accepts: string[] | (() => string[]) }> = {
  demo: { options: ['host', 'quanta', 'json'], accepts: ['--host', 'rk3399', '--quanta', '2', '--json'] },
  clients: {
    options: ['host', 'profile', 'vcpus', 'main-cpu', 'vcpu-cpus', 'affinity', 'irq', 'json'],
    accepts: ['kvmtool', '--host', 'rk3588', '--profile', 'mainline', '--vcpus', '2', '--main-cpu', '0', '--vcpu-cpus', '4,5', '--affinity', '4-7', '--irq', '23', '--json'],
  },
  run: {
    options: ['duration', 'quanta', 'policy', 'profile', 'design', 'no-oracle', 'bug', 'seed', 'record', 'html', 'json', 'quiet'],
    accepts: ['flagship', '--duration', '100', '--quanta', '1', '--seed', '3', '--policy', 'pinned', '--profile', 'fixed-counters-only', '--design', 'rcu', '--record', join(tmpdir(), 'vpmu-help-run.json'), '--html', join(tmpdir(), 'vpmu-help-run.html'), '--json', '--quiet'],
  },
  compare: {
    options: ['designs', 'repeat', 'seed', 'jobs', 'warmup', 'html', 'duration', 'quanta', 'policy', 'profile', 'no-oracle', 'bug', 'json', 'quiet'],
    accepts: [
      'hammer', '--designs', 'mutex,rcu', '--repeat', '1', '--seed', '1', '--jobs', '1', '--warmup', '0', '--html', join(tmpdir(), 'vpmu-help-compare.html'), '--duration', '100', '--quanta', '1',
      '--policy', 'pinned', '--profile', 'fixed-counters-only', '--no-oracle', 'lock-order', '--bug', 'reset-keeps-stale-events', '--json', '--quiet',
    ],
  },
  designs: { options: ['json'], accepts: ['--json'] },
  explore: {
    options: ['strategy', 'runs', 'seed', 'depth', 'max-preemptions', 'budget', 'max-steps', 'keep-going', 'shrink-budget', 'out', 'workers', 'shard', 'shard-out', 'duration', 'quanta', 'policy', 'profile', 'design', 'no-oracle', 'bug', 'json', 'quiet'],
    accepts: [
      'nr-counters-race', '--strategy', 'pct', '--runs', '3', '--seed', '3', '--depth', '2', '--max-preemptions', '1', '--budget', '2000',
      '--max-steps', '500', '--keep-going', '--shrink-budget', '0', '--out', tmpdir(), '--duration', '100', '--quanta', '1',
      '--policy', 'pinned', '--profile', 'fixed-counters-only', '--design', 'rcu', '--json', '--quiet',
    ],
  },
  replay: { options: ['from-hw', 'last', 'full', 'json'], accepts: () => [hwLog(), '--from-hw', '--last', '5', '--full', '--json'] },
  scenarios: { options: ['json'], accepts: ['--json'] },
  presets: { options: ['json'], accepts: ['--json'] },
  profiles: { options: ['json'], accepts: ['--json'] },
};

/** The `--name` of every option line of a help text (lines starting with two spaces and --). */
const helpOptions = (help: string) => [...help.matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map((m) => m[1]!);

describe('vpmu-lab <command> --help', () => {
  for (const [name, c] of Object.entries(commands)) {
    it(`${name} --help and -h print every option with its explanation, exit 0`, () => {
      const r = cli(name, '--help');
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^usage: vpmu-lab ${name}\\b`));
      expect(helpOptions(r.out)).toEqual([...c.options, 'help']);
      for (const o of c.options) expect(r.out).toMatch(new RegExp(`^ {2}--${o}( \\S+)? {2,}\\S.{10,}$`, 'm'));
      expect(cli(name, '-h')).toEqual(r);
      expect(cli('help', name)).toEqual(r);
    });

    it(`${name} accepts every option its help lists`, () => {
      const r = cli(name, ...(typeof c.accepts === 'function' ? c.accepts() : c.accepts));
      expect(r.err).not.toMatch(/unknown option/);
      expect(r.code).toBe(0);
    });
  }

  it('--help wins over the other arguments, even bad ones', () => {
    expect(cli('run', 'nosuch', '--bogus', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: vpmu-lab run SCENARIO\|FILE\.json/) });
  });

  it('an unknown option is still an error that lists the valid ones', () => {
    const r = cli('run', 'flagship', '--bogus');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('vpmu-lab run: unknown option --bogus; valid options: --duration, --quanta, --policy, --profile, --design, --no-oracle, --bug, --seed, --record, --html, --json, --quiet, --help');
  });

  it('the top-level usage shows every command with all its options', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const [name, c] of Object.entries(commands)) {
      const line = r.out.split('\n').find((l) => l.startsWith(`  vpmu-lab ${name} `) || l === `  vpmu-lab ${name}`);
      expect(line, name).toBeDefined();
      for (const o of c.options) expect(line).toContain(`[--${o}`);
    }
  });
});

describe('vpmu-lab scenarios', () => {
  const names = Object.keys(builtinScenarios);

  it('lists every built-in scenario with its description', () => {
    const r = cli('scenarios');
    expect(r.code).toBe(0);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const n of names) {
      const line = r.out.split('\n').find((l) => l.startsWith(`${n} `));
      expect(line, n).toBeDefined();
      expect(line).toContain(builtinScenarios[n]!.description!.slice(0, 40));
    }
  });

  it('--json is an array of { name, description, host, profile }', () => {
    const r = cli('scenarios', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { name: string; description: string; host: string; profile: string }[];
    expect(j.map((s) => s.name)).toEqual(names);
    for (const s of j) {
      expect(Object.keys(s).sort()).toEqual(['description', 'host', 'name', 'profile']);
      expect(s.description).toBe(builtinScenarios[s.name]!.description);
    }
    expect(j.find((s) => s.name === 'flagship')).toEqual(expect.objectContaining({ host: 'rk3588', profile: 'fixed-counters-only' }));
    expect(j.find((s) => s.name === 'config-race')).toEqual(expect.objectContaining({ host: 'rk3588', profile: 'mainline' }));
  });

  it('takes no argument', () => {
    expect(cli('scenarios', 'flagship')).toMatchObject({ code: 2, err: expect.stringMatching(/unexpected argument "flagship"/) });
  });
});
