/**
 * Who runs a campaign's blocks: this thread (campaign-local.ts) or a piscina pool
 * (campaign-pool.ts). The campaign loop (explore.ts) sees only this interface; both runners
 * run the same `runBlock` and read the same CampaignControl, so results do not depend on
 * which one ran.
 */
import type { Block } from './campaign-plan.js';
import type { BlockResult } from './campaign-block.js';

export interface BlockRunner {
  /** Threads running blocks. */
  readonly workers: number;
  /** Blocks worth having in flight at once (a pool: one running and one queued per worker). */
  readonly window: number;
  run(block: Block): Promise<BlockResult>;
  /** Ends the runner's threads; in-flight blocks must have settled (CampaignControl.stop ends them). */
  close(): Promise<void>;
}
