/**
 * The run's series (run-meter.ts): its interval from the duration, one rate per closed
 * interval over the time that really elapsed, late polls, the partial tail, snapshots.
 */
import { describe, expect, it } from 'vitest';
import { Control, STAT } from '../../src/engine/control.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { RunMeter, seriesIntervalMs } from '../../src/engine/run-meter.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';

describe('the series interval', () => {
  it('1000 ms from 5 s on; else a fifth of the run to 100 ms, at least 100 ms', () => {
    expect([60_000, 5000, 4999, 2000, 1234, 1000, 600, 300, 120, 10].map(seriesIntervalMs)).toEqual([1000, 1000, 1000, 400, 200, 200, 100, 100, 100, 100]);
  });
});

describe('the run meter', () => {
  const meter = () => {
    const control = Control.create({ cpus: 2, vcpus: 1, threads: 3 });
    return { control, m: new RunMeter(control, 100) };
  };

  it('closes an interval at the first poll past its end, at the rate over the time elapsed', () => {
    const { control, m } = meter();
    control.add(0, STAT.LOADS, 7); // before the start: not in any interval
    m.start(1000);
    control.add(0, STAT.LOADS, 50);
    control.add(1, STAT.LOADS, 50);
    control.add(2, STAT.IOCTLS, 10);
    m.poll(1050);
    expect(m.snapshot().series.loadsPerSec).toEqual([]);
    m.poll(1125); // 125 ms for the first interval: the rate over 125 ms
    control.add(1, STAT.MIGRATIONS, 30);
    m.poll(1180);
    m.poll(1205); // the second one: 80 ms since the last close
    const s = m.snapshot().series;
    expect(s.intervalMs).toBe(100);
    expect(s.loadsPerSec).toEqual([800, 0]);
    expect(s.ioctlsPerSec).toEqual([80, 0]);
    expect(s.migrationsPerSec).toEqual([0, 375]);
    expect(s.guestAccessesPerSec).toEqual([0, 0]);
  });

  it('a poll late by several intervals gives each the average rate; a tail of half an interval counts, a shorter one not', () => {
    const { control, m } = meter();
    m.start(0);
    control.add(0, STAT.ACCESSES, 900);
    m.poll(300); // three intervals at once
    control.add(0, STAT.ACCESSES, 100);
    expect(m.end(350).guestAccessesPerSec).toEqual([3000, 3000, 3000, 2000]); // 50 ms tail: 100 in 50 ms
    const short = meter();
    short.m.start(0);
    short.control.add(0, STAT.ACCESSES, 100);
    short.m.poll(100);
    short.control.add(0, STAT.ACCESSES, 5);
    expect(short.m.end(149).guestAccessesPerSec).toEqual([1000]); // the 49 ms tail is dropped
  });

  it('snapshots: starting, running with the time since the start, ended with the run length and frozen series', () => {
    const { control, m } = meter();
    expect(m.snapshot()).toMatchObject({ phase: 'starting', elapsedMs: 0, totals: { loads: 0 }, crashes: 0 });
    const t0 = Date.now();
    m.start(t0 - 250);
    control.add(0, STAT.LOADS, 4);
    control.add(0, STAT.CRASHES, 1);
    const running = m.snapshot();
    expect(running).toMatchObject({ phase: 'running', totals: { loads: 4, migrations: 0, guestAccesses: 0, ioctls: 0 }, crashes: 1 });
    expect(running.elapsedMs).toBeGreaterThanOrEqual(250);
    const series = m.end(t0 - 50);
    control.add(0, STAT.LOADS, 1); // a thread still leaving
    const ended = m.snapshot();
    expect(ended).toMatchObject({ phase: 'ended', elapsedMs: 200, totals: { loads: 5 } });
    expect(ended.series).toEqual(series);
    expect(series.loadsPerSec).toEqual([20, 20]); // both intervals closed at the end: 4 loads over 200 ms
  });
});

describe('series in a sim execution', () => {
  it('is empty, with interval 0: the sim does not sample', () => {
    const e = runExecution(resolveScenario(builtinScenarios['config-race']!, 'config-race'), new RandomStrategy(3), { maxSteps: 20_000, stopOnFailure: true })!;
    expect(e.report.totals.loads).toBeGreaterThan(0);
    expect(e.report.series).toEqual({ intervalMs: 0, loadsPerSec: [], migrationsPerSec: [], guestAccessesPerSec: [], ioctlsPerSec: [] });
  });
});
