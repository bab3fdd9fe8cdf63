/**
 * Piscina worker entry of a campaign pool (src/explore/campaign-pool.ts): runs one block of
 * executions (src/explore/campaign-block.ts) per task, to its end or until the shared
 * CampaignControl says stop.
 */
import { workerData } from 'node:worker_threads';
import { resolveScenario } from '../src/engine/scenario.js';
import { runBlock, type BlockResult } from '../src/explore/campaign-block.js';
import { CampaignControl } from '../src/explore/campaign-control.js';
import type { Block } from '../src/explore/campaign-plan.js';
import type { CampaignWorkerData } from '../src/explore/campaign-pool.js';

const data = workerData as CampaignWorkerData;
const scenario = resolveScenario(data.spec);
const control = new CampaignControl(data.control);

export default function runCampaignBlock(block: Block): BlockResult {
  const g = runBlock(scenario, data.job, block, control);
  for (;;) {
    const n = g.next();
    if (n.done) return n.value;
  }
}
