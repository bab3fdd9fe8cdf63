/**
 * The live run's control plane over comlink (DESIGN principle 3): a run started in a worker
 * answers snapshots through its handle while it runs and stops when asked; the coordinator
 * collects every engine thread's final report through that thread's run() answer.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import type { ThreadReport } from '../../src/engine/messages.js';
import { connectRun, type RunSnapshot } from '../../src/engine/run-handle.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { workerPath } from '../../src/engine/worker-path.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a run behind a handle (run-handle.ts), in a worker', () => {
  it('answers snapshots with growing totals, ends early on stop(), and reports at least what it last showed', async () => {
    // Four vCPUs with no quantum limit: only the 30 s duration or stop() ends it.
    const scenario = resolveScenario({
      name: 'handle',
      host: 'rk3588',
      durationMs: 30_000,
      scheduler: { policy: 'round-robin' },
      vms: [{ vcpus: [0, 1, 2, 3].map(() => ({ workload: 'perf-stat', cycles: 1000 })) }],
    });
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerPath('run'), { workerData: { port: port2, scenario }, transferList: [port2] });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const run = connectRun(port1);
    const t0 = Date.now();

    // Until the first interval (1000 ms for a 30 s run) has closed, with work in it.
    let first: RunSnapshot;
    do {
      await sleep(50);
      first = await run.snapshot();
      expect(Date.now() - t0).toBeLessThan(15_000);
    } while (first.phase !== 'running' || first.totals.loads === 0 || first.series.loadsPerSec.length === 0);
    expect(first.series.intervalMs).toBe(1000);
    expect(first.series.loadsPerSec[0]).toBeGreaterThan(0);
    await sleep(300);
    const second = await run.snapshot();
    expect(second.phase).toBe('running');
    expect(second.elapsedMs).toBeGreaterThan(first.elapsedMs);
    expect(second.totals.loads).toBeGreaterThan(first.totals.loads);
    expect(second.totals.guestAccesses).toBeGreaterThan(first.totals.guestAccesses);

    await run.stop();
    const report = await run.report();
    expect(Date.now() - t0).toBeLessThan(15_000); // far from the 30 s duration
    expect(report.interrupted).toBe(true);
    expect(report.failure).toBeUndefined();
    expect(report.elapsedMs).toBeLessThan(15_000);
    expect(report.totals.loads).toBeGreaterThanOrEqual(second.totals.loads);
    expect(report.totals.guestAccesses).toBeGreaterThanOrEqual(second.totals.guestAccesses);
    expect(report.series.intervalMs).toBe(1000);
    expect(report.series.loadsPerSec.length).toBeGreaterThanOrEqual(second.series.loadsPerSec.length);
    expect(report.series.loadsPerSec.slice(0, first.series.loadsPerSec.length)).toEqual(first.series.loadsPerSec);

    // After the end the handle still answers, with the run's final figures.
    const after = await run.snapshot();
    expect(after.phase).toBe('ended');
    expect(after.elapsedMs).toBe(report.elapsedMs);
    expect(after.series).toEqual(report.series);

    // Closing our side lets the worker go.
    port1.close();
    expect(await exited).toBe(0);
  });
});

describe('a run behind a handle, stopped at once', () => {
  it('ends without starting its threads: interrupted, nothing ran, and the worker leaves when the port closes', async () => {
    const scenario = resolveScenario({ ...builtinScenarios['config-race']!, durationMs: 30_000 }, 'config-race');
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerPath('run'), { workerData: { port: port2, scenario }, transferList: [port2] });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const run = connectRun(port1);
    // Queued on the port before the run's side listens: served before any engine worker can be ready.
    await run.stop();
    const report = await run.report();
    expect(report.interrupted).toBe(true);
    expect(report.failure).toBeUndefined();
    expect(report.totals).toMatchObject({ loads: 0, ioctls: 0 });
    expect(report.elapsedMs).toBeLessThan(1000);
    expect((await run.snapshot()).phase).toBe('ended');
    port1.close();
    expect(await exited).toBe(0);
  });
});

describe("the engine threads' final reports, collected over comlink", () => {
  it("one per thread; summed, they are the report's lock_stat; each pCPU's took vcpu->mutex for every load it made", async () => {
    const s = resolveScenario({ ...builtinScenarios['config-race']!, durationMs: 400 }, 'config-race');
    const reports: ThreadReport[] = [];
    const r = await runScenario(s, { onThreadReport: (t) => reports.push(t) });
    expect(r.failure).toBeUndefined();
    const threads = s.topology.cpus + s.vmm.length;
    expect(reports.map((t) => t.slot).sort((a, b) => a - b)).toEqual(Array.from({ length: threads }, (_, i) => i));
    expect(reports.every((t) => t.failure === undefined)).toBe(true);

    expect(r.lockStat.length).toBeGreaterThan(0);
    for (const row of r.lockStat) {
      const mine = reports.flatMap((t) => t.lockStat.filter((x) => x.class === row.class));
      const sum = (f: (x: (typeof mine)[number]) => number) => mine.reduce((n, x) => n + f(x), 0);
      expect(sum((x) => x.acquisitions)).toBe(row.acquisitions);
      expect(sum((x) => x.contentions)).toBe(row.contentions);
      expect(sum((x) => x.holdSamples)).toBe(row.holdSamples);
      expect(Math.max(...mine.map((x) => x.waitMax))).toBe(row.waitMax);
      // Every timed hold is in the histogram, once.
      expect(row.holdHistogram.reduce((n, c) => n + c, 0)).toBe(row.holdSamples);
    }
    // Attribution: pCPU c's KVM_RUNs hold a vcpu->mutex, so its own report has at least
    // as many of them as the loads the control region counted for it.
    for (const c of r.cpus) {
      const mutex = reports.find((t) => t.slot === c.cpu)!.lockStat.find((x) => x.class === 'vcpu->mutex');
      expect(mutex?.acquisitions ?? 0).toBeGreaterThanOrEqual(c.loads);
    }
    expect(r.cpus.some((c) => c.loads > 0)).toBe(true);
    // The VMM threads' ioctls take config_lock (SET_DEVICE_ATTR): the pCPUs' reports alone do not make the sum.
    const vmmConfig = reports.filter((t) => t.slot >= s.topology.cpus).flatMap((t) => t.lockStat.filter((x) => x.class === 'config_lock'));
    expect(vmmConfig.reduce((n, x) => n + x.acquisitions, 0)).toBeGreaterThan(0);
  });
});
