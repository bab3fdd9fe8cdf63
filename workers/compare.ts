/**
 * Piscina worker entry of `vpmu-lab compare` (src/compare/compare-run.ts): one repetition
 * of one design per task — the scenario run on real workers, its pCPU and VMM threads
 * started by this worker for this run and gone at its end — served live on the task's
 * port (engine/run-handle.ts: snapshots for the progress line, stop on a signal) and
 * answered with its RunReport.
 */
import { exposeRun } from '../src/engine/run-handle.js';
import type { RunReport } from '../src/engine/report.js';
import { resolveScenario } from '../src/engine/scenario.js';
import type { RepetitionTask } from '../src/compare/compare-run.js';

export default function runRepetition(task: RepetitionTask): Promise<RunReport> {
  const scenario = { ...resolveScenario(task.spec, task.path), seed: task.seed };
  return exposeRun(task.port, scenario);
}
