// A VMM's ioctl sequence on an RK3588 (A55 CPUs 0-3, A76 CPUs 4-7), then a guest that
// reads its cycle counter on both clusters. Run: npm run build && node examples/quickstart.mjs
import { createHost, errnoName, uapi } from 'vpmu-lab';

const { KVM_ARM_VCPU_PMU_V3_CTRL: CTRL } = uapi;
const host = createHost('rk3588');
const vm = host.createVm();
const vcpu = vm.createVcpu();

console.log('INIT from cpu 0       ', errnoName(vcpu.init({ pmu: true }, { cpu: 0 }))); // default PMU = A55
console.log('vGIC init             ', errnoName(vm.vgicInit()));
console.log('IRQ = 23              ', errnoName(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23)));
console.log('PMU INIT              ', errnoName(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)));
console.log('PMCR_EL0 (userspace)  ', vcpu.getOneReg('PMCR_EL0').value.toString(16));

for (const cpu of [1, 5]) {
  vcpu.run({
    cpu,
    guest: (g) => {
      g.write('PMCR_EL0', 1n); // E
      g.write('PMCNTENSET_EL0', 1n << 31n); // cycle counter
      const before = g.read('PMCCNTR_EL0');
      g.exec(1000);
      console.log(`cpu ${cpu}: PMCCNTR_EL0 advanced by ${g.read('PMCCNTR_EL0') - before} over 1000 cycles`);
    },
  });
}
