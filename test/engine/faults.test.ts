/**
 * Every failure is a report (DESIGN principle 5): a worker that dies is named and the run
 * ends with no other worker left hanging; a run that stops making progress is caught by
 * the watchdog, which says who holds which lock and who waits for it.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/engine/report-format.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { resolveScenario } from '../../src/engine/scenario.js';

describe('engine faults', () => {
  it('a pCPU worker killed mid-run is reported by name and the run ends', async () => {
    const s = resolveScenario({
      name: 'kill',
      host: 'rk3588',
      durationMs: 30_000,
      scheduler: { policy: 'round-robin' },
      vms: [{ vcpus: [0, 1, 2, 3].map(() => ({ workload: 'perf-stat', cycles: 1000 })) }],
    });
    const t0 = Date.now();
    const r = await runScenario(s, { fault: { thread: 3, afterMs: 200, kind: 'terminate' } });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.failure).toMatchObject({ kind: 'worker-exit', thread: 'pcpu3' });
    expect(r.failure!.message).toMatch(/pcpu3 exited unexpectedly/);
    expect(r.totals.loads).toBeGreaterThan(0);
    // Its lock_stat went with it, and the report says so rather than showing a quiet total.
    expect(r.lockStatMissing).toEqual(['pcpu3']);
    expect(formatReport(r)).toMatch(/without pcpu3: terminated before reporting its figures/);
    // The flight recorder's tail: every thread's synchronisation events, merged in order.
    const trace = r.failure!.trace!;
    // The last 40 events of all threads, plus the failed thread's own last ones if older.
    expect(trace.length).toBeGreaterThanOrEqual(40);
    expect(trace.length).toBeLessThanOrEqual(48);
    expect(trace.some((l) => / pcpu3 /.test(l))).toBe(true);
    const seqs = trace.map((l) => Number(/^#(\d+) /.exec(l)![1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const what of [/ pcpu\d lock vm0 vcpu\d->mutex$/, / vcpu_load vm0\/vcpu\d on cpu \d$/, / vcpu_put vm0\/vcpu\d/]) {
      expect(trace.some((l) => what.test(l))).toBe(true);
    }
  });

  it('a pCPU worker that throws is reported with its id and the error', async () => {
    const s = resolveScenario({
      name: 'throw',
      host: 'rk3588',
      durationMs: 30_000,
      scheduler: { policy: 'round-robin' },
      vms: [{ vcpus: [0, 1, 2, 3].map(() => ({ workload: 'perf-stat', cycles: 1000 })) }],
    });
    const r = await runScenario(s, { fault: { thread: 5, afterMs: 200, kind: 'throw' } });
    expect(r.failure).toMatchObject({ kind: 'worker-crash', thread: 'pcpu5' });
    expect(r.failure!.message).toMatch(/^pcpu5 crashed: fault injected into pcpu5 after it claimed vCPU \d$/);
  });

  it('the watchdog names the holder of a lock everyone waits for', async () => {
    // A VMM thread takes vcpu0->mutex and never lets go: the vCPU's next KVM_RUN blocks on
    // it, and nothing else in the run can make progress.
    const s = resolveScenario({
      name: 'stall',
      host: 'rk3399',
      durationMs: 30_000,
      watchdogMs: 1000,
      vms: [{ vcpus: [{ workload: 'idle' }] }],
      vmm: [{ name: 'staller', steps: [{ op: 'stall', lock: 'vcpu->mutex', vcpu: 0 }] }],
    });
    const t0 = Date.now();
    const r = await runScenario(s);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.failure?.kind).toBe('watchdog');
    // The global watchdog (no heartbeat anywhere) or the per-thread one (a thread blocked
    // for the whole period) — whichever looks first.
    expect(r.failure!.message).toMatch(/^(no progress for 1000 ms|(pcpu\d|vmm:staller) has been blocked for 1000 ms)$/);
    // Normally the staller holds the mutex and a pCPU waits; a pCPU that keeps winning the
    // (unfair, like the kernel's) mutex can starve the staller instead. Either way both are named.
    expect(r.failure!.locks).toContainEqual(expect.stringMatching(/^(pcpu\d|vmm:staller) waits for vm0 vcpu0->mutex$/));
    if (!/^vmm:staller/.test(r.failure!.message)) {
      expect(r.failure!.locks).toContainEqual(expect.stringMatching(/^vm0 vcpu0->mutex is held by vmm:staller \(contended [1-9]\d* times\)$/));
    }
    // The flight recorder's merged tail ends with the staller taking the mutex for good.
    // The flight recorder's tail as it stood at the failure, in order. (Which event is last
    // depends on scheduling: a thread can take the lock and be preempted before logging it.)
    const trace = r.failure!.trace!;
    expect(trace.length).toBeGreaterThan(0);
    const seqs = trace.map((l) => Number(/^#(\d+) /.exec(l)![1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(trace.every((l) => /^#\d+ (pcpu\d|vmm:staller) /.test(l))).toBe(true);
  });
});

describe('engine faults that the global watchdog cannot see', () => {
  it('one thread blocked for the watchdog period is reported while the others keep running', async () => {
    const s = resolveScenario({
      name: 'partial-stall',
      host: 'rk3399',
      durationMs: 30_000,
      watchdogMs: 1000,
      scheduler: { policy: 'pinned' },
      vms: [{ vcpus: [{ workload: 'idle', start: 0 }, { workload: 'idle', start: 4 }] }],
      vmm: [{ name: 'staller', steps: [{ op: 'stall', lock: 'vcpu->mutex', vcpu: 0 }] }],
    });
    const r = await runScenario(s);
    // pcpu0 blocked behind the staller — or, if pcpu0 keeps winning the unfair mutex, the staller.
    expect(r.failure).toMatchObject({ kind: 'watchdog' });
    expect(r.failure!.message).toMatch(/^(pcpu0|vmm:staller) has been blocked for 1000 ms$/);
    const blocked = r.failure!.thread!;
    expect(r.failure!.locks).toContain(`${blocked} waits for vm0 vcpu0->mutex`);
    // The staller holds it for good; pcpu0 only during a quantum. (vCPU 1's mutex may show too.)
    if (blocked === 'pcpu0') {
      expect(r.failure!.locks).toContainEqual(expect.stringMatching(/^vm0 vcpu0->mutex is held by vmm:staller \(contended [1-9]\d* times\)$/));
    }
    expect(r.vcpus[1]!.quanta).toBeGreaterThan(1000); // vCPU 1 ran on all along
  });

  it('a thread that ignores the stop is terminated and reported (hang-at-stop)', async () => {
    const s = resolveScenario({
      name: 'runaway',
      host: 'rk3399',
      durationMs: 300,
      vms: [{ vcpus: [{ workload: 'idle' }] }],
      vmm: [{ name: 'runaway', steps: [{ op: 'spin' }] }],
    });
    const r = await runScenario(s);
    expect(r.failure).toMatchObject({ kind: 'hang-at-stop', thread: 'vmm:runaway' });
    expect(r.failure!.message).toBe('terminated vmm:runaway, still running 2000 ms after the stop');
  });
});
