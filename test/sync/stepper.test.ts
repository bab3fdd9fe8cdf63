import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { errno } from '../../src/arch/errno.js';
import { uapi as U } from '../../src/index.js';
import { vcpuRun } from '../../src/kvm/arm.js';
import { setDeviceAttr } from '../../src/kvm/vcpu-ioctl.js';
import { runDirect } from '../../src/sync/direct.js';
import { Stepper } from '../../src/sync/stepper.js';
import { setPmuVsFirstRun } from './set-pmu-vs-first-run.js';

const { KVM_ARM_VCPU_PMU_V3_CTRL: CTRL, KVM_ARM_VCPU_PMU_V3_SET_PMU: SET_PMU } = uapi;

const setup = setPmuVsFirstRun;

describe('the seam: one model operation, two interleavings (spec §3.4, §5.5)', () => {
  it('SET_PMU(A76) before vCPU0 first runs on CPU 0: SET_PMU wins, KVM_RUN fails entry on the A55 CPU', () => {
    const { v0, v1, a76 } = setup();
    const s = new Stepper();
    const setPmu = s.spawn('vmm', setDeviceAttr(v1.model, CTRL, SET_PMU, a76.type));
    const run = s.spawn('vcpu0', vcpuRun(v0.model, 0, undefined));
    const results = s.run([setPmu, setPmu, setPmu, setPmu, setPmu]);
    expect(results[setPmu]).toBe(0);
    expect(results[run]).toEqual({
      ret: 0,
      exitReason: U.KVM_EXIT_FAIL_ENTRY,
      failEntry: { hardwareEntryFailureReason: U.KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED, cpu: 0 },
    });
  });

  it('vCPU0 first run takes config_lock first: HAS_RAN_ONCE is set, SET_PMU returns EBUSY and the run enters', () => {
    const { v0, v1, a76 } = setup();
    const s = new Stepper();
    const setPmu = s.spawn('vmm', setDeviceAttr(v1.model, CTRL, SET_PMU, a76.type));
    const run = s.spawn('vcpu0', vcpuRun(v0.model, 0, undefined));
    // vcpu0: mutex, config_lock (first-run HAS_RAN_ONCE), unlock — before the VMM's config_lock.
    const results = s.run([run, run, run, setPmu]);
    expect(results[setPmu]).toBe(-errno.EBUSY);
    expect(results[run]).toEqual({ ret: 0 });
  });

  it('the same operations run directly give the first outcome and leave no lock held', () => {
    const { v0, v1, a76 } = setup();
    expect(runDirect(setDeviceAttr(v1.model, CTRL, SET_PMU, a76.type), 'vmm')).toBe(0);
    const r = runDirect(vcpuRun(v0.model, 0, undefined), 'vcpu0');
    expect(r.exitReason).toBe(U.KVM_EXIT_FAIL_ENTRY);
    expect(v0.model.vm.configLock.owner()).toBe(0);
    expect(v0.model.mutex.owner()).toBe(0);
  });

  it('a thread blocked on a held lock cannot be stepped', () => {
    const { v0, v1, a76 } = setup();
    const s = new Stepper();
    const setPmu = s.spawn('vmm', setDeviceAttr(v1.model, CTRL, SET_PMU, a76.type));
    const run = s.spawn('vcpu0', vcpuRun(v0.model, 0, undefined));
    s.step(setPmu); // vcpu1->mutex
    s.step(setPmu); // config_lock
    s.step(run); // vcpu0->mutex
    expect(s.runnable(run)).toBe(false);
    expect(() => s.step(run)).toThrow(/blocked on vm0 config_lock/);
    s.finish();
  });
});

describe('stepper edge cases', () => {
  it('an operation that returns without yielding finishes without being stepped', () => {
    function* immediate(): Generator<never, number, void> {
      return 7;
    }
    const s = new Stepper();
    const t = s.spawn('immediate', immediate());
    expect(s.runnable(t)).toBe(false);
    expect(s.finish()).toEqual([7]);
    expect(s.result(t)).toBe(7);
  });
});
