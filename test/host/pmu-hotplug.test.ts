/**
 * CPU PMU hotplug (spec §1.2): a PMU the topology marks `hotplug` is not in arm_pmus at boot;
 * registering it at run time publishes a new list (the writer path RCU protects).
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { errno } from '../../src/arch/errno.js';
import { runDirect } from '../../src/sync/direct.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { resolveScenario } from '../../src/engine/scenario.js';

const topology = { name: 'late-big', pmus: [{ name: 'little', cpus: [0, 1] }, { name: 'big', cpus: [2, 3], hotplug: true }] };

describe('PMU hotplug', () => {
  it('before registration a CPU of the late PMU has no default PMU (ENODEV); after it, it has', () => {
    const host = createHost(topology, { profile: 'mainline', switches: { pmuListDesign: 'rcu' } });
    expect(host.model.list.count()).toBe(1);
    expect(host.createVm().createVcpu().init({ pmu: true }, { cpu: 2 })).toBe(-errno.ENODEV);
    expect(runDirect(host.model.hotplugPmu('big'), 'hotplug')).toBe(0);
    expect(runDirect(host.model.hotplugPmu('big'), 'hotplug again')).toBe(-errno.EEXIST);
    expect(runDirect(host.model.hotplugPmu('dsu'), 'unknown')).toBe(-errno.ENOENT);
    expect(host.model.list.count()).toBe(2);
    expect(host.model.list.reclaimed()).toBe(2); // boot + hotplug each published a new list
    const v = host.createVm().createVcpu();
    expect(v.init({ pmu: true }, { cpu: 2 })).toBe(0);
    expect(host.model.pmuOf(v.model.vm.armPmu).name).toBe('big');
  });

  it('on workers: a VMM thread registers the PMU while vCPUs run and migrate; it is registered once', async () => {
    const r = await runScenario(
      resolveScenario({
        name: 'hotplug',
        host: topology,
        design: 'rcu',
        scheduler: { policy: 'random', seed: 5 },
        durationMs: 10_000,
        quanta: 200,
        vms: [{ vcpus: [{ workload: 'perf-stat', cycles: 1000 }, { workload: 'perf-stat', cycles: 1000 }] }],
        vmm: [{ name: 'hotplug', iterations: 2, steps: [{ op: 'hotplug-pmu', pmu: 'big' }] }],
      }),
    );
    expect(r.failure).toBeUndefined();
    expect(r.vmm[0]!.results).toEqual({ OK: 1, EEXIST: 1 });
    expect(r.vcpus.every((v) => v.state === 'done')).toBe(true);
  });
});
