/**
 * A run on workers to a replayable sim schedule: `run --record` logs every seam step of every
 * thread (record mode serialises logged steps and their leaf work, as rr does), `replay
 * --from-hw` follows the log in the sim, and the schedule it writes replays exactly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_KIND } from '../../src/engine/flight-recorder.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'vpmu-from-hw-'));

interface FromHwJson {
  verdict: string;
  oracle?: string;
  hwVerdict: string;
  hwOracle?: string;
  reproduced: boolean;
  logSteps: number;
  divergence?: { step: number; reason: string };
  scheduleFile: string;
}

function recordAndReplay(i: number, ...runArgs: string[]): FromHwJson {
  const log = join(dir, `run${i}.json`);
  const run = cli('run', ...runArgs, '--record', log, '--quiet');
  expect(run.err).toMatch(new RegExp(`recorded \\d+ seam steps to ${log.replace(/[.]/g, '\\.')}; replay it in sim`));
  return JSON.parse(cli('replay', '--from-hw', log, '--json').out) as FromHwJson;
}

describe('hw failure → replayable sim schedule', () => {
  // The planted bug (FILTER / SET_PMU skip their HAS_RAN_ONCE check) makes most runs fail, at
  // the configurator's ioctl that lands after a vCPU ran: an oracle violation mid-run.
  it('a recorded config-race run that fails replays in the sim with the same verdict, and its schedule replays exactly', () => {
    let failing: FromHwJson | undefined;
    for (let i = 0; i < 12 && !failing; i++) {
      const r = recordAndReplay(i, 'config-race', '--duration', '150', '--seed', String(i + 1), '--bug', 'config-after-run');
      // Every recorded run is followed to its stop, whatever its verdict.
      expect(r.divergence).toBeUndefined();
      expect(r.reproduced).toBe(true);
      expect(r.logSteps).toBeGreaterThan(10); // a failing run may end at its first KVM_RUN
      if (r.hwVerdict === 'FAILURE') failing = r;
    }
    expect(failing, 'no recorded config-race run failed in 12 tries').toBeDefined();
    expect(failing!.oracle).toBe(failing!.hwOracle);
    const again = JSON.parse(cli('replay', failing!.scheduleFile, '--json').out) as { verdict: string; oracle: string; identical: boolean };
    expect(again).toMatchObject({ verdict: 'FAILURE', oracle: failing!.hwOracle, identical: true });
  });

  it('a log the sim cannot follow is reported with the step and what differs', () => {
    const log = join(dir, 'tampered-src.json');
    expect(cli('run', 'pmu-list-race', '--record', log, '--quiet').code).toBe(0);
    const hw = JSON.parse(readFileSync(log, 'utf8'));
    // Say that the first lock the log records was another lock: the sim's thread will want its own.
    const k = hw.log.kind.indexOf(EVENT_KIND.LOCK);
    expect(k).toBeGreaterThanOrEqual(0);
    hw.log.arg[k] = hw.log.arg[k] + 1;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(hw));
    const r = cli('replay', '--from-hw', tampered, '--last', '5');
    expect(r.out).toMatch(/the hw run did something the seam cannot express at step \d+: hw \S+ logged "lock [^"]+" \(recorder event #\d+\), but in the sim its next step is "lock [^"]+"/);
    expect(r.out).toMatch(/NOT reproduced in sim/);
  });

  it('a file that is not a hw log is bad input (exit 2) naming the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'something' }));
    const r = cli('replay', '--from-hw', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json\.format: expected "vpmu-lab-hw-log\/1"/);
  });
});
