import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { setDeviceAttr } from '../../src/kvm/vcpu-ioctl.js';
import { Stepper } from '../../src/sync/stepper.js';
import type { Op } from '../../src/sync/seam.js';
import { ALLOW, CTRL, FILTER, FIXED, INIT, IRQ, SET_NR, SET_PMU, readN } from './helpers.js';

type Design = 'mutex' | 'rcu';

/**
 * A configuration script touching every arm_pmus reader (supports_guest_pmuv3 at INIT, the
 * default-PMU probe, SET_PMU's search), returning a transcript of every ioctl result.
 */
function transcript(profile: string, design: Design, preset = 'tensor-g1'): unknown[] {
  const host = createHost(preset, { profile, switches: { pmuListDesign: design } });
  expect(host.model.list.design).toBe(design);
  const out: unknown[] = [];
  const vm = host.createVm();
  const [v0, v1, v2] = [vm.createVcpu(), vm.createVcpu(), vm.createVcpu()];
  const c = (cpu: number) => ({ cpu: cpu % host.cpus });
  out.push(v0.init({ pmu: true }, c(5)));
  out.push(v1.init({ pmu: true }, c(1)));
  out.push(v2.init({ pmu: true }, c(7)));
  out.push(host.model.pmuOf(vm.model.armPmu).name, readN(v0));
  out.push(v1.setDeviceAttr(CTRL, SET_PMU, 4242));
  for (const s of host.eventSources) out.push(v1.setDeviceAttr(CTRL, SET_PMU, s.type));
  out.push(v1.setDeviceAttr(CTRL, FIXED));
  out.push(v1.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW }));
  out.push(v1.setDeviceAttr(CTRL, SET_PMU, host.pmus[0]!.type));
  out.push(v1.setDeviceAttr(CTRL, SET_NR, 3), readN(v2));
  out.push(vm.vgicInit());
  for (const v of [v0, v1, v2]) out.push(v.setDeviceAttr(CTRL, IRQ, 23), v.setDeviceAttr(CTRL, INIT));
  for (let cpu = 0; cpu < host.cpus; cpu++) out.push(v0.run({ cpu }));
  out.push(vm.model.supportedCpuList());
  // A second VM on the same host probes again from another cluster.
  const w = host.createVm().createVcpu();
  out.push(w.init({ pmu: true }, c(3)), host.model.pmuOf(w.model.vm.armPmu).name);
  return out;
}

// spec §1.2: the arm_pmus readers are protected by a mutex (mainline) or RCU (FIXED series);
// the choice is a locking design only and must not change any ioctl result.
describe('profile switch pmuListDesign: mutex and RCU give the same results (spec §1.2)', () => {
  it.each(['mainline', 'fixed-counters-only'])('%s: identical transcripts', (profile) => {
    const mutex = transcript(profile, 'mutex');
    const rcu = transcript(profile, 'rcu');
    expect(rcu).toEqual(mutex);
    // And the transcript is the expected one, not merely equal: default PMU from CPU 5 = A76.
    expect(mutex.slice(0, 5)).toEqual([0, 0, 0, 'armv8_cortex_a76', 6]);
  });

  it.each(['rk3588', 'apple-m1', 'homogeneous', 'sm8350'])('mainline on %s: identical transcripts', (preset) => {
    expect(transcript('mainline', 'rcu', preset)).toEqual(transcript('mainline', 'mutex', preset));
  });

  it('the designs really differ in locking: mutex SET_PMU waits for arm_pmus_lock, RCU does not', () => {
    for (const design of ['mutex', 'rcu'] as const) {
      const host = createHost('rk3588', { switches: { pmuListDesign: design } });
      const vm = host.createVm();
      const v = vm.createVcpu();
      expect(v.init({ pmu: true })).toBe(0);
      const list = host.model.list;
      const holder = function* (): Op<number> {
        yield list.lock.acquire; // a writer (kvm_host_pmu_init) holding arm_pmus_lock
        yield list.lock.release;
        return 0;
      };
      const s = new Stepper();
      const w = s.spawn('writer', holder());
      const t = s.spawn('vmm', setDeviceAttr(v.model, CTRL, SET_PMU, host.pmus[1]!.type));
      s.step(w);
      s.step(t); // vcpu->mutex
      s.step(t); // config_lock
      expect(s.runnable(t)).toBe(design === 'rcu');
      const results = s.finish();
      expect(results[t]).toBe(0);
      expect(s.trace.some((l) => l.includes('rcu-read-lock'))).toBe(design === 'rcu');
    }
  });
});
