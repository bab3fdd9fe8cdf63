/**
 * Runs a campaign's blocks on a piscina pool (`explore --workers N`): N worker threads
 * started once per campaign, each given the scenario once (workerData) and then one block
 * at a time. What runs inside a worker is workers/campaign.ts; it reads the same
 * CampaignControl words as this thread, so a stop or a cutoff reaches running blocks at
 * their next execution without a message.
 */
import { Piscina } from 'piscina';
import type { ScenarioSpec } from '../engine/scenario.js';
import { workerPath } from '../engine/worker-path.js';
import type { BlockResult, CampaignJob } from './campaign-block.js';
import type { CampaignControl } from './campaign-control.js';
import type { Block } from './campaign-plan.js';
import type { BlockRunner } from './campaign-runner.js';

/** What every worker of the pool is started with. */
export interface CampaignWorkerData {
  /** The scenario as given: the worker resolves it, as a schedule file's replay does. */
  readonly spec: ScenarioSpec;
  readonly job: CampaignJob;
  /** CampaignControl's words. */
  readonly control: SharedArrayBuffer;
}

export class PoolRunner implements BlockRunner {
  readonly window: number;
  private readonly pool: Piscina;

  constructor(
    readonly workers: number,
    spec: ScenarioSpec,
    job: CampaignJob,
    control: CampaignControl,
  ) {
    const workerData: CampaignWorkerData = { spec, job, control: control.buffer };
    this.pool = new Piscina({
      filename: workerPath('campaign'),
      workerData,
      minThreads: workers,
      maxThreads: workers,
      // Blocks are the only work: no thread should retire in a pause between them.
      idleTimeout: Infinity,
    });
    this.window = 2 * workers;
  }

  run(block: Block): Promise<BlockResult> {
    return this.pool.run(block) as Promise<BlockResult>;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
