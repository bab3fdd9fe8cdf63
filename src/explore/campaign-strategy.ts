/** The seeded search strategies a campaign can use, by name (`explore --strategy`). */
import { DfsStrategy } from './strategies/dfs.js';
import { PctStrategy } from './strategies/pct.js';
import { RandomStrategy } from './strategies/random.js';
import type { Strategy } from './strategy.js';

export const strategyNames = ['random', 'pct', 'dfs'] as const;
export type StrategyName = (typeof strategyNames)[number];

export interface StrategyOptions {
  readonly strategy: StrategyName;
  readonly seed: number;
  /** PCT depth d. */
  readonly depth: number;
  /** DFS preemption bound K. */
  readonly maxPreemptions: number;
}

export function makeStrategy(o: StrategyOptions): Strategy {
  switch (o.strategy) {
    case 'random':
      return new RandomStrategy(o.seed);
    case 'pct':
      return new PctStrategy(o.seed, o.depth);
    case 'dfs':
      return new DfsStrategy(o.maxPreemptions, o.seed);
  }
}
