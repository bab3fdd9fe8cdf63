/**
 * `vpmu-lab replay --from-hw FILE`: a run on workers, recorded step by step (hw-log.ts),
 * replayed in the sim driver by following its merged log (FollowStrategy) up to where the
 * coordinator stopped the run; then the sim stops the run too and winds it down. The result
 * is an ordinary sim schedule, written beside the log, that `vpmu-lab replay` reproduces.
 */
import { EVENT_KIND, eventKindName, stepEventArg, stepEventKind } from '../engine/flight-recorder.js';
import { resolveScenario, type Scenario } from '../engine/scenario.js';
import type { World } from '../engine/world.js';
import { VpmuLabError } from '../host/errors.js';
import { labelOf } from '../sync/seam.js';
import { buildId } from './build-id.js';
import { runExecution, type Execution } from './execution.js';
import { readHwLog, type HwLogFile } from './hw-log.js';
import { SCHEDULE_FORMAT, writeSchedule } from './schedule.js';
import { describeOp, type SimMachine } from './sim.js';
import { FollowStrategy } from './strategies/follow.js';

export interface FromHw {
  readonly hw: HwLogFile;
  readonly scenario: Scenario;
  readonly execution: Execution;
  /** Steps of the hw log the sim followed (up to the stop). */
  readonly logSteps: number;
  /** Where the sim could not follow the log, if it could not. */
  readonly divergence?: { readonly step: number; readonly reason: string };
  /** The hw run's failure reproduced: same verdict and oracle, no divergence before it. */
  readonly reproduced: boolean;
  /** The sim schedule written (replays with `vpmu-lab replay`). */
  readonly scheduleFile: string;
}

/** The logged steps up to the coordinator's stop (what threads did while stopping depends on when each saw it). */
function followedSteps(hw: HwLogFile): { thread: number[]; kind: number[]; arg: number[]; seq: number[] } {
  const { log } = hw;
  let n = log.seq.length;
  if (log.stopSeq >= 0) while (n > 0 && log.seq[n - 1]! > log.stopSeq) n--;
  return { thread: log.thread.slice(0, n), kind: log.kind.slice(0, n), arg: log.arg.slice(0, n), seq: log.seq.slice(0, n) };
}

export function replayFromHw(file: string, opts: { record?: boolean } = {}): FromHw {
  const hw = readHwLog(file);
  const lost = Object.entries(hw.log.lost);
  if (lost.length > 0) {
    throw new VpmuLabError(`${file}: the recording lost its oldest steps (${lost.map(([t, n]) => `${t} ${n}`).join(', ')}): a replay needs the whole run; record a shorter one (--duration, --quanta)`);
  }
  const scenario = resolveScenario(hw.scenario, `${file}.scenario`);
  const steps = followedSteps(hw);
  let sim: SimMachine | undefined;
  let world: World | undefined;
  const lockId = (l: Parameters<World['lockId']>[0]) => world!.lockId(l);
  const check = (k: number, t: number): string | undefined => {
    const pending = sim!.thread(t).pending!;
    if (stepEventKind(pending) === steps.kind[k] && stepEventArg(pending, lockId) === steps.arg[k]) return undefined;
    return `hw ${hw.log.threads[t]} logged "${describeLogged(steps.kind[k]!, steps.arg[k]!, world!)}" (recorder event #${steps.seq[k]}), but in the sim its next step is "${describeOp(pending)}"`;
  };
  const strategy = new FollowStrategy(hw.seed, steps.thread, check);
  const execution = runExecution(scenario, strategy, {
    maxSteps: steps.thread.length + 1,
    stopOnFailure: false,
    stopAfter: steps.thread.length,
    trapEvery: hw.trapEvery,
    record: opts.record,
    onStart: (m, w) => {
      sim = m;
      world = w;
    },
  })!;
  const divergence = strategy.divergence;
  const reproduced = !divergence && execution.verdict.verdict === hw.verdict && execution.verdict.oracle === hw.oracle;
  const scheduleFile = file.replace(/(\.json)?$/, '.sim.json');
  writeSchedule(scheduleFile, {
    format: SCHEDULE_FORMAT,
    build: buildId(),
    scenario: hw.scenario,
    strategy: 'from-hw',
    campaignSeed: hw.seed,
    seed: hw.seed,
    maxSteps: steps.thread.length + 1,
    stopAfter: steps.thread.length,
    trapEvery: hw.trapEvery,
    steps: execution.steps,
    traceHash: execution.traceHash,
    ...(execution.verdict.oracle ? { oracle: execution.verdict.oracle } : {}),
    switches: execution.switches,
    migrations: execution.migrations,
  });
  return { hw, scenario, execution, logSteps: steps.thread.length, ...(divergence ? { divergence } : {}), reproduced, scheduleFile };
}

function describeLogged(kind: number, arg: number, world: World): string {
  if (kind === EVENT_KIND.LOCK || kind === EVENT_KIND.UNLOCK) return `${eventKindName(kind)} ${world.locks[arg]?.name ?? `#${arg}`}`;
  if (kind === EVENT_KIND.POINT || kind === EVENT_KIND.PARK) return `${eventKindName(kind)} ${labelOf(arg) ?? `#${arg}`}`;
  return eventKindName(kind);
}
