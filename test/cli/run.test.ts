/** `vpmu-lab run` through the built CLI: summaries, JSON, bad input, SIGINT. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('vpmu-lab run', () => {
  it('runs the flagship on workers and prints the per-VM outcome', () => {
    const r = cli('run', 'flagship', '--quiet');
    // The default-PMU VM's guest dies (the bug the flagship shows): a FAILURE verdict, exit 1.
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/0\/0 +cycle-divider +2 +crashed \(guest error on cpu 4, quantum 2\)/);
    expect(r.out).toMatch(/2\/0 +cycle-divider +16 +done +7 +15 /);
    expect(r.out).toMatch(/register PMCCNTR_EL0, counter's PMU armv8_cortex_a55 → CPU's PMU armv8_cortex_a76: division by zero/);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^FAILURE: guest-crash — vCPU 0\/0 \(cycle-divider\) died on cpu 4, quantum 2, PMCCNTR_EL0/);
  });

  it('--json prints one object, and a scenario file runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-run-'));
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ name: 'tiny', host: 'rk3399', quanta: 10, vms: [{ vcpus: [{ workload: 'idle' }] }] }));
    const r = cli('run', file, '--json', '--quiet');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { scenario: string; verdict: string; vcpus: { quanta: number; state: string }[] };
    expect(j.scenario).toBe('tiny');
    expect(j.verdict).toBe('SUCCESS');
    expect(j.vcpus).toEqual([expect.objectContaining({ quanta: 10, state: 'done' })]);
  });

  it('a malformed scenario file names the file and the field, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-run-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', vms: [{ vcpus: [{ workload: 'doom' }] }] }));
    const r = cli('run', file);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`${file}.vms[0].vcpus[0].workload: expected one of`);
    expect(cli('run', 'nosuch')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown scenario "nosuch"; valid scenarios: flagship, config-race/) });
  });

  it('SIGINT stops the workers, prints the partial summary and exits 130', async () => {
    const child = spawn(process.execPath, [main, 'run', 'config-race', '--duration', '60000']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // The first progress line (stderr, once a second when not a TTY) says the run is on.
    let err = '';
    await new Promise<void>((r, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line within 20 s; stderr: ${err}`)), 20_000);
      child.once('exit', (code) => reject(new Error(`exited (${code}) before any progress; stdout: ${out} stderr: ${err}`)));
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/loads\/s/.test(err)) {
          clearTimeout(timer);
          r();
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(out).toMatch(/config-race on rk3588 .* — INTERRUPTED/);
    expect(out).toMatch(/vmm:configurator +\d+/);
    expect(out).not.toMatch(/FAILED/);
  });
});
