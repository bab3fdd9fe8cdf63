/**
 * A live run's throughput: its totals so far and their rates per interval (the report's
 * `series`), read from the control region's per-thread statistics. The threads publish
 * those with atomic adds, so the coordinator reads each one whole; the sum over threads is
 * not one instant's cut, but every total only grows, so rates are never negative.
 *
 * Interval: 1000 ms for runs of 5 s or more, else a fifth of the run rounded to 100 ms (at
 * least 100 ms, the coordinator's polling period): about five points for a shorter run. An
 * interval closes at the first poll past its end, and its rate is the growth over the time
 * actually elapsed since the previous close, so a late poll skews no rate (a poll late by
 * more than an interval gives the missed intervals the same, average, rate). The last,
 * partial interval counts, its rate over its own length, if it lasted at least half an
 * interval; a shorter tail is dropped from the series (its work is in the totals).
 */
import type { TimeSeries } from '../report/comparison.js';
import { STAT, type Control } from './control.js';

export interface RunTotals {
  readonly loads: number;
  readonly migrations: number;
  readonly guestAccesses: number;
  readonly ioctls: number;
}

export interface RunSnapshot {
  /** `starting`: the workers are still attaching, nothing ran; `ended`: the run stopped (its threads may still be leaving). */
  readonly phase: 'starting' | 'running' | 'ended';
  /** Since the start (at the end: the run's length). */
  readonly elapsedMs: number;
  readonly totals: RunTotals;
  /** Guest deaths so far. */
  readonly crashes: number;
  /** The intervals closed so far. */
  readonly series: TimeSeries;
}

/** A run as its owner sees it while it goes on (RunOptions.onLive). */
export interface LiveRun {
  snapshot(): RunSnapshot;
}

export function seriesIntervalMs(durationMs: number): number {
  return durationMs >= 5000 ? 1000 : Math.max(100, Math.round(durationMs / 500) * 100);
}

const TOTAL_KEYS = ['loads', 'migrations', 'guestAccesses', 'ioctls'] as const;

/** Per second between two readings `ms` apart. */
export function ratesBetween(from: RunTotals, to: RunTotals, ms: number): RunTotals {
  const per = (k: (typeof TOTAL_KEYS)[number]) => (ms > 0 ? ((to[k] - from[k]) * 1000) / ms : 0);
  return { loads: per('loads'), migrations: per('migrations'), guestAccesses: per('guestAccesses'), ioctls: per('ioctls') };
}

export class RunMeter implements LiveRun {
  private t0 = -1;
  private endAt = -1;
  /** The last interval close: when, and the totals then. */
  private mark: { at: number; totals: RunTotals } = { at: 0, totals: { loads: 0, migrations: 0, guestAccesses: 0, ioctls: 0 } };
  /** Per closed interval, each total's rate. */
  private readonly points: Record<(typeof TOTAL_KEYS)[number], number[]> = { loads: [], migrations: [], guestAccesses: [], ioctls: [] };

  constructor(
    private readonly control: Control,
    readonly intervalMs: number,
  ) {}

  totals(): RunTotals {
    const c = this.control;
    return { loads: Number(c.total(STAT.LOADS)), migrations: Number(c.total(STAT.MIGRATIONS)), guestAccesses: Number(c.total(STAT.ACCESSES)), ioctls: Number(c.total(STAT.IOCTLS)) };
  }

  start(now: number): void {
    this.t0 = now;
    this.mark = { at: now, totals: this.totals() };
  }

  /** Closes every interval that ended by `now`. */
  poll(now: number): void {
    const ended = Math.floor((now - this.t0) / this.intervalMs);
    const n = this.points.loads.length;
    if (ended > n) this.close(now, ended - n);
  }

  /** The run stopped at `now`: the closed intervals and the tail, if long enough; the meter stays as it is from here. */
  end(now: number): TimeSeries {
    this.poll(now);
    if (now - this.mark.at >= this.intervalMs / 2) this.close(now, 1);
    this.endAt = now;
    return this.series();
  }

  snapshot(): RunSnapshot {
    const phase = this.t0 < 0 ? 'starting' : this.endAt < 0 ? 'running' : 'ended';
    const elapsedMs = phase === 'starting' ? 0 : (phase === 'running' ? Date.now() : this.endAt) - this.t0;
    return { phase, elapsedMs, totals: this.totals(), crashes: Number(this.control.total(STAT.CRASHES)), series: this.series() };
  }

  /** `intervals` points at the rate since the last close (more than one: polls came late). */
  private close(now: number, intervals: number): void {
    const totals = this.totals();
    const r = ratesBetween(this.mark.totals, totals, now - this.mark.at);
    for (const k of TOTAL_KEYS) for (let j = 0; j < intervals; j++) this.points[k].push(r[k]);
    this.mark = { at: now, totals };
  }

  private series(): TimeSeries {
    const p = this.points;
    return { intervalMs: this.intervalMs, loadsPerSec: [...p.loads], migrationsPerSec: [...p.migrations], guestAccessesPerSec: [...p.guestAccesses], ioctlsPerSec: [...p.ioctls] };
  }
}
