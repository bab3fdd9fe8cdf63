import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientsCommand } from '../../src/cli/clients-command.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('vpmu-lab clients', () => {
  it('without a name lists every client with a description', () => {
    const { out } = capture();
    expect(clientsCommand([])).toBe(0);
    const text = out.join('\n');
    for (const name of ['qemu', 'qemu-choose-pmu', 'kvmtool', 'crosvm', 'cloud-hypervisor', 'firecracker']) {
      expect(text).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
    }
  });

  it('replays kvmtool with --affinity and prints the summary', () => {
    const { out } = capture();
    expect(clientsCommand(['kvmtool', '--host', 'rk3588', '--affinity', '4-7'])).toBe(0);
    expect(out.join('\n')).toContain('runs on:    4-7');
  });

  it('--json prints the outcome object', () => {
    const { out } = capture();
    expect(clientsCommand(['qemu', '--host=rk3588', '--main-cpu', '5', '--vcpus', '1', '--json'])).toBe(0);
    const o = JSON.parse(out.join('\n'));
    expect(o).toMatchObject({ client: 'qemu', host: 'rk3588', pmu: 'armv8_cortex_a76', nrCounters: 6 });
    expect(o.options.vcpus).toBe(1);
  });

  it.each([
    [['nope', '--host', 'rk3588'], /unknown client "nope"/],
    [['qemu'], /missing --host/],
    [['qemu', '--host', 'atari'], /unknown preset "atari"/],
    [['qemu', '--host', 'rk3588', '--vcpus', 'x'], /--vcpus: expected an integer/],
    [['qemu', '--host', 'rk3588', '--main-cpu', '9'], /mainCpu: expected a CPU id 0\.\.7/],
    [['kvmtool', '--host', 'rk3588', '--affinity', 'a-b'], /bad cpulist/],
    [['qemu', '--host', 'rk3588', '--bogus'], /unknown option --bogus/],
    [['qemu', '--host', 'rk3588', '--profile', 'nope'], /unknown profile "nope"/],
  ])('bad input %j: one stderr line, exit 2', (argv, message) => {
    const { out, err } = capture();
    expect(clientsCommand(argv)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(out).toEqual([]);
  });
});
