/**
 * Piscina worker entry of `vpmu-lab compare` (src/compare/compare-run.ts): one repetition
 * of one design per task — the scenario run on real workers, its pCPU and VMM threads
 * started by this worker for this run and gone at its end — answered with its RunReport.
 */
import { runScenario } from '../src/engine/coordinator.js';
import type { RunReport } from '../src/engine/report.js';
import { resolveScenario } from '../src/engine/scenario.js';
import type { RepetitionTask } from '../src/compare/compare-run.js';

export default async function runRepetition(task: RepetitionTask): Promise<RunReport> {
  const scenario = { ...resolveScenario(task.spec, task.path), seed: task.seed };
  return runScenario(scenario);
}
