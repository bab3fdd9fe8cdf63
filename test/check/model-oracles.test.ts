/**
 * The model oracles (src/check/oracles.ts) beyond what the bug catalog proves: the one no
 * catalog bug plants (§8 item 27), switching oracles off, silence on every built-in scenario
 * of the clean model, the API staying check-free, and a violation on real workers reaching
 * the verdict with its oracle's name and the command that runs it again with its seed.
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHost, errno as E, type TopologySpec } from '../../src/index.js';
import { checkInitFailureRestores } from '../../src/check/config-oracles.js';
import { ALL_CHECKS, MODEL_ORACLES, OracleViolation, oracleChecks } from '../../src/check/oracles.js';
import { oracleOfError } from '../../src/check/verdict.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const gap: TopologySpec = { name: 'gap', cpus: 5, pmus: [{ name: 'a', cpus: [0, 1, 2, 3] }] };

describe('init-failure-leaves-vm-unchanged (§8 item 27)', () => {
  it('fires when a failed first INIT left the features changed, under a profile with the fix; silent otherwise', () => {
    const fixed = createHost(gap, { switches: { initFailureRestoresFeatures: true } }).createVm();
    fixed.model.host.checks = ALL_CHECKS;
    fixed.model.features = 1;
    expect(() => checkInitFailureRestores(fixed.model, 0)).toThrow(OracleViolation);
    expect(() => checkInitFailureRestores(fixed.model, 1)).not.toThrow();
    const mainline = createHost(gap).createVm();
    mainline.model.host.checks = ALL_CHECKS;
    mainline.model.features = 1;
    expect(() => checkInitFailureRestores(mainline.model, 0)).not.toThrow(); // mainline's documented hole
  });

  it('the model with the fix restores the features of a failed first INIT, and the oracle stays silent', () => {
    const vm = createHost(gap, { switches: { initFailureRestoresFeatures: true } }).createVm();
    vm.model.host.checks = ALL_CHECKS;
    const v = vm.createVcpu();
    const before = vm.model.features;
    expect(v.init({ pmu: true }, { cpu: 4 })).toBe(-E.ENODEV);
    expect(vm.model.features).toBe(before);
    const hole = createHost(gap).createVm();
    hole.createVcpu().init({ pmu: true }, { cpu: 4 });
    expect(hole.model.features).not.toBe(before); // mainline keeps the copied bitmap
  });
});

describe('fixed-cycles-counted (§8 item 26, continuity)', () => {
  it('with the entry check off, a FIXED guest moved without the per-load check executes uncounted cycles; clean, never', () => {
    const spec = { ...builtinScenarios['fixed-pingpong']!, oraclesOff: ['cycle-counter-on-current-pmu'] };
    const bug = runExecution(resolveScenario({ ...spec, bugs: ['no-per-load-check'] }), new RandomStrategy(1, 0), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(bug.verdict.oracle).toBe('fixed-cycles-counted');
    expect(bug.verdict.reason).toMatch(/executed 10000 cycles on cpu [4-7] uncounted: its cycle counter's event is on armv8_cortex_a55/);
    const clean = runExecution(resolveScenario(spec), new RandomStrategy(1, 0), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(clean.verdict.verdict).toBe('SUCCESS');
  });
});

describe('switching oracles', () => {
  it('every model oracle is on by default in scenarios, and oraclesOff switches the named ones off', () => {
    const s = resolveScenario(builtinScenarios['set-pmu-pingpong']!);
    expect(Object.values(s.checks).every(Boolean)).toBe(true);
    const off = resolveScenario({ ...builtinScenarios['set-pmu-pingpong']!, oraclesOff: ['guest-entry-outside-supported-cpus'] });
    expect(off.checks['guest-entry-outside-supported-cpus']).toBe(false);
    expect(Object.values(off.checks).filter((on) => !on)).toHaveLength(1);
    expect(() => oracleChecks(['nope'])).toThrow(/unknown oracle "nope"; valid oracles: arm-pmu-chosen.*lock-exclusive-holder.*lock-order/);
  });

  it('a synchronisation oracle switched off lets the step go on: the planted bug then shows as what follows', () => {
    const spec = { ...builtinScenarios['pmu-probe-race']!, bugs: ['reader-outside-read-section'] };
    const on = runExecution(resolveScenario(spec), new RandomStrategy(1, 0), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(on.verdict.oracle).toBe('rcu-dereference-outside-reader');
    const s = resolveScenario({ ...spec, oraclesOff: ['rcu-dereference-outside-reader'] });
    expect(s.oraclesOff).toEqual(['rcu-dereference-outside-reader']);
    for (let seed = 1; seed <= 5; seed++) {
      const off = runExecution(s, new RandomStrategy(seed, 0), { maxSteps: 20_000, stopOnFailure: true })!;
      expect(off.verdict.findings.map((f) => f.oracle)).not.toContain('rcu-dereference-outside-reader');
    }
  });

  it('a planted bug whose oracle is off is not reported by that oracle', () => {
    const spec = { ...builtinScenarios['set-pmu-pingpong']!, bugs: ['no-unsupported-cpu-check'] };
    const on = runExecution(resolveScenario(spec), new RandomStrategy(1, 0), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(on.verdict.oracle).toBe('guest-entry-outside-supported-cpus');
    const off = runExecution(resolveScenario({ ...spec, oraclesOff: ['guest-entry-outside-supported-cpus'] }), new RandomStrategy(1, 0), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(off.verdict.findings.map((f) => f.oracle)).not.toContain('guest-entry-outside-supported-cpus');
  });

  it('the API of API.md checks nothing: a library call never throws for a model oracle', () => {
    const host = createHost('rk3588');
    expect(Object.values(host.model.checks).some(Boolean)).toBe(false);
  });
});

describe('counter-monotonic (guests that check their counters: perf-stat)', () => {
  it('fires when userspace winds a running guest\'s counter back, which the guest sees without an overflow flag', () => {
    const spec = {
      ...builtinScenarios['onereg-race']!,
      vmm: [{ name: 'rewinder', iterations: 3, steps: [{ op: 'set-reg', vcpu: 0, reg: 'PMEVCNTR0_EL0', value: '0' }] }],
    };
    const strategy = new RandomStrategy(2, 0);
    const oracles = Array.from({ length: 10 }, () => runExecution(resolveScenario(spec), strategy, { maxSteps: 20_000, stopOnFailure: true })!.verdict.oracle);
    expect(oracles).toContain('counter-monotonic');
    expect(oracles.filter((o) => o !== undefined && o !== 'counter-monotonic')).toEqual([]);
  });
});

describe('the clean model', () => {
  it('no model oracle fires in any built-in scenario (random schedules with injected migrations)', () => {
    for (const [name, spec] of Object.entries(builtinScenarios)) {
      const strategy = new RandomStrategy(7);
      for (let i = 0; i < 5; i++) {
        const e = runExecution(resolveScenario(spec), strategy, { maxSteps: 5_000, stopOnFailure: true })!;
        const fired = e.verdict.findings.filter((f) => Object.hasOwn(MODEL_ORACLES, f.oracle));
        expect(fired, `${name}: ${fired.map((f) => f.reason).join('; ')}`).toEqual([]);
      }
    }
  });
});

describe('a violation on real workers', () => {
  it('an OracleViolation thrown in a worker reaches the coordinator with its oracle', async () => {
    const code = `class OracleViolation extends Error { name = 'OracleViolation'; constructor(o, m) { super(m); this.oracle = o; } }
      throw new OracleViolation('overflow-exactly-once', 'lost');`;
    const e = await new Promise<unknown>((resolve) => new Worker(code, { eval: true }).once('error', resolve));
    expect(oracleOfError(e)).toBe('overflow-exactly-once');
    expect(oracleOfError(Object.assign(new Error('x'), { name: 'OracleViolation', oracle: 'not-an-oracle' }))).toBe('engine-failure');
  });

  it('vpmu-lab run … --bug: FAILURE names the oracle, exit 1, and the rerun command carries the seed', () => {
    // Deterministic on workers: ping-pong moves the vCPU to the A76 cluster at its second quantum.
    const r = spawnSync(process.execPath, [main, 'run', 'fixed-pingpong', '--bug', 'no-per-load-check', '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILURE: cycle-counter-on-current-pmu — pcpu[4-7] crashed: vm0\/vcpu0 entered on cpu [4-7] with its cycle counter on armv8_cortex_a55/);
    expect(r.stderr).toMatch(/run again: vpmu-lab run fixed-pingpong --bug no-per-load-check --quiet --seed \d+/);
  });
});
