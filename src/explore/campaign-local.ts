/**
 * Runs a campaign's blocks on this thread (`--workers 1`, DFS, the testing export): no
 * worker to start, no build needed. Between executions it yields to the event loop, so a
 * signal or the budget timer gets in.
 */
import type { Scenario } from '../engine/scenario.js';
import { runBlock, type BlockResult, type CampaignJob } from './campaign-block.js';
import type { CampaignControl } from './campaign-control.js';
import type { Block } from './campaign-plan.js';
import type { BlockRunner } from './campaign-runner.js';

export class LocalRunner implements BlockRunner {
  readonly workers = 1;
  readonly window = 1;

  constructor(
    private readonly scenario: Scenario,
    private readonly job: CampaignJob,
    private readonly control: CampaignControl,
  ) {}

  async run(block: Block): Promise<BlockResult> {
    const g = runBlock(this.scenario, this.job, block, this.control);
    for (;;) {
      const n = g.next();
      if (n.done) return n.value;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  async close(): Promise<void> {}
}
