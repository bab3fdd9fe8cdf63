/**
 * `vpmu-lab run` under SIGTERM and under a SIGINT during the workers' start-up, through the
 * built CLI: the run stops, the partial summary is printed, the exit code is 128 + the signal,
 * and it all happens promptly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** Spawns the CLI; `until(re)` resolves once stderr matches (the live lines); `exit` after the exit. */
function start(args: string[]) {
  const child = spawn(process.execPath, [main, ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal, at: Date.now() })),
  );
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) (w.re.test(err) ? w.resolve : () => waiters.push(w))();
  });
  const until = (re: RegExp, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} on stderr within ${ms} ms; stderr: ${err}; stdout: ${out}`)), ms);
      void exit.then(({ code }) => reject(new Error(`exited (${code}) before ${re}; stderr: ${err}; stdout: ${out}`)));
      waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
    });
  /** The exit, or a failure if it takes longer than `ms` (the child is then killed). */
  const exited = (ms: number) =>
    Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running ${ms} ms after the signal; stderr: ${err}; stdout: ${out}`));
        }, ms),
      ),
    ]);
  return { child, until, exited, out: () => out };
}

describe('vpmu-lab run and signals', () => {
  it('SIGTERM stops the run, prints the partial summary and exits 143', async () => {
    const p = start(['run', 'config-race', '--duration', '60000']);
    await p.until(/loads\/s/, 20_000); // the first progress line: the run is on
    p.child.kill('SIGTERM');
    const sentAt = Date.now();
    const { code, signal, at } = await p.exited(5000);
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(at - sentAt).toBeLessThan(5000);
    expect(p.out()).toMatch(/^config-race on rk3588 .* — INTERRUPTED$/m);
    expect(p.out()).toMatch(/^\d+\.\d+ s: [1-9]\d* loads/m);
    expect(p.out()).toMatch(/vmm:configurator +\d+/);
    expect(p.out()).not.toMatch(/FAILED/);
  });

  it('SIGINT while the workers are still starting stops the run before it starts, exit 130, promptly', async () => {
    // 48 pCPUs: 48 workers to boot, far longer than it takes the signal to arrive.
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-signals-'));
    const file = join(dir, 'wide.json');
    const cpus = (from: number) => Array.from({ length: 24 }, (_, i) => from + i);
    writeFileSync(
      file,
      JSON.stringify({
        name: 'wide',
        host: { name: 'wide', pmus: [{ name: 'little', cpus: cpus(0) }, { name: 'big', cpus: cpus(24) }] },
        durationMs: 60_000,
        vms: [{ vcpus: [{ workload: 'perf-stat', cycles: 20_000 }, { workload: 'perf-stat', cycles: 20_000 }] }],
      }),
    );
    const p = start(['run', file]);
    await p.until(/starting 48 threads/, 20_000); // printed just before the workers are created
    p.child.kill('SIGINT');
    const sentAt = Date.now();
    const { code, signal, at } = await p.exited(5000);
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(at - sentAt).toBeLessThan(5000);
    expect(p.out()).toMatch(/^wide on wide .* — INTERRUPTED$/m);
    // Stopped before the start: nothing ran, and no worker was reported hanging.
    expect(p.out()).toMatch(/^\d+\.\d+ s: 0 loads/m);
    expect(p.out()).not.toMatch(/FAILED/);
  });
});
