import type { Comparison } from './comparison.js';

/**
 * The command that runs one repetition of a comparison again: its design and seed, the
 * comparison's duration and the options `run` shares with `compare` (DESIGN.md principle 5:
 * a failing run names the command that reproduces it).
 */
export function rerunCommand(c: Comparison, design: string, seed: number): string {
  const extra = (c.runOptions ?? []).map((o) => ` ${o}`).join('');
  return `vpmu-lab run ${c.source ?? c.scenario} --design ${design} --seed ${seed} --duration ${c.durationMs}${extra}`;
}
