/**
 * The built CLI (the production path: `npm test` builds dist/ first). Bad input is one
 * clear line on stderr and exit code 2, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('vpmu-lab CLI', () => {
  it('demo prints the three configurations and their outcomes', () => {
    const r = cli('demo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/default-pmu .*CRASHED/);
    expect(r.out).toMatch(/set-pmu .*FAIL_ENTRY/);
    expect(r.out).toMatch(/fixed-counters-only .*continuous/);
  });

  it('demo --json is one parseable object with bigints as strings', () => {
    const r = cli('demo', '--host', 'rk3399', '--quanta', '4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { host: string; rows: { config: string; executed: string }[] };
    expect(j.host).toBe('rk3399');
    expect(j.rows.map((x) => x.config)).toEqual(['default-pmu', 'set-pmu', 'fixed-counters-only', 'partition']);
    expect(typeof j.rows[0]!.executed).toBe('string');
  });

  it('an unknown preset lists the valid ones, in one line, exit 2', () => {
    const r = cli('demo', '--host', 'rk9999');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/unknown preset "rk9999"; valid presets: rk3588, rk3399/);
  });

  it('a homogeneous host cannot host the ping-pong demo and says why', () => {
    const r = cli('demo', '--host', 'homogeneous');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/one CPU PMU/);
  });

  it('unknown commands and options are named with the valid choices', () => {
    expect(cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command 'frobnicate'; valid commands: demo, clients/) });
    expect(cli('demo', '--speed', '3')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --speed; valid options: --host/) });
    expect(cli('demo', '--quanta', 'lots')).toMatchObject({ code: 2, err: expect.stringMatching(/--quanta: expected an integer/) });
  });

  it('presets and profiles list what the names mean', () => {
    const p = cli('presets');
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/tensor-g1 — .*\n[\s\S]*arm_dsu_0 +\d+ +\(uncore\)/);
    const q = cli('profiles');
    expect(q.code).toBe(0);
    expect(q.out).toMatch(/nrCountersFrozenAfterRun +false +true/);
  });

  it('--version prints the package version', () => {
    expect(cli('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('vpmu-lab --host FILE.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpmu-lab-'));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('runs the demo on a topology file', () => {
    const file = write(
      'lab.json',
      JSON.stringify({ name: 'lab', pmus: [{ name: 'little', cpus: [0, 1] }, { name: 'big', cpus: [2, 3] }] }),
    );
    const r = cli('demo', '--host', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/vpmu-lab demo on lab/);
    expect(r.out).toMatch(/cpu 0 \(little\) → cpu 2 \(big\)/);
  });

  it('names the file and the bad field of a malformed topology', () => {
    const file = write('bad.json', JSON.stringify({ name: 'bad', pmus: [{ name: 'a', cpus: [0, 'x'] }] }));
    const r = cli('clients', 'qemu', '--host', file);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`vpmu-lab clients: ${file}.pmus[0].cpus[1]: expected a CPU id 0..63, got "x"`);
  });

  it('reports unreadable and non-JSON files in one line', () => {
    expect(cli('demo', '--host', join(dir, 'missing.json'))).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read the topology file \(ENOENT\)/) });
    const r = cli('demo', '--host', write('junk.json', '{ pmus: '));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/junk\.json: not valid JSON/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
