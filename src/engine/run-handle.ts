/**
 * A live run behind a handle, over comlink on a MessagePort: the side that runs the scenario
 * (a piscina task of `vpmu-lab compare`, workers/run.ts) exposes it, the other side asks for
 * snapshots while it goes on, can stop it, and collects its report. All of it is control
 * plane — a snapshot reads the control region's statistics, which the run's threads publish
 * in shared memory anyway (run-meter.ts); nothing here reaches the threads themselves.
 */
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { runScenario, type RunOptions } from './coordinator.js';
import { nodeEndpoint } from './node-endpoint.js';
import type { RunReport } from './report.js';
import type { LiveRun, RunSnapshot } from './run-meter.js';
import type { Scenario } from './scenario.js';

export type { RunSnapshot } from './run-meter.js';

/** What the running side answers (through comlink every call returns a Promise). */
export interface RunHandle {
  /** The run so far: phase, elapsed time, totals, guest crashes, the closed intervals of its series. */
  snapshot(): RunSnapshot;
  /**
   * Ends the run early, as SIGINT does `run`: the threads stop at their next check and the
   * report says `interrupted` (a stop before the workers started ends it without starting).
   * Answers at once; the run's end is `report()`'s. No effect once the run has ended.
   */
  stop(): void;
  /** The RunReport, when the run has ended (its failures are in it; only a run that could not be set up rejects). */
  report(): Promise<RunReport>;
}

/**
 * Starts `s` here and serves its handle on `port`; returns the report too. The handle keeps
 * answering after the end (a snapshot then gives the final figures) until the other side
 * closes its port or releases the remote (`remote[Comlink.releaseProxy]()`): until then
 * `port` keeps this thread alive. `opts.signal` still stops the run (interrupted as well).
 */
export function exposeRun(port: MessagePort, s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const stopper = new AbortController();
  const outer = opts.signal;
  const stop = () => stopper.abort();
  if (outer?.aborted) stop();
  else outer?.addEventListener('abort', stop, { once: true });
  let live: LiveRun | undefined;
  const report = runScenario(s, {
    ...opts,
    signal: stopper.signal,
    onLive: (run) => {
      live = run;
      opts.onLive?.(run);
    },
  });
  // A long-lived outer signal (one per comparison) must not collect a listener per run.
  const off = () => outer?.removeEventListener('abort', stop);
  void report.then(off, off);
  const handle: RunHandle = {
    snapshot: () => {
      if (!live) throw new Error(`run ${s.name} could not be set up`); // report() says why
      return live.snapshot();
    },
    stop,
    report: () => report,
  };
  Comlink.expose(handle, nodeEndpoint(port));
  return report;
}

/** The other side of `exposeRun`'s port. */
export function connectRun(port: MessagePort): Comlink.Remote<RunHandle> {
  return Comlink.wrap<RunHandle>(nodeEndpoint(port));
}
