/**
 * A stop that lands while a pCPU is between its loop check and its park must still end the
 * park: the pCPU reads its doorbell before the stop word (stop() sets the word, then rings).
 * Parks end only when their word moves, in both drivers, so a lost stop would hang the run.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';

describe('the stop and idle pCPUs', () => {
  it('every execution stopped at any step winds down: no thread is left parked', () => {
    const s = resolveScenario(builtinScenarios['config-race']);
    const strategy = new RandomStrategy(5);
    const verdicts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      // Stops land on every step offset modulo the stop check's period.
      const e = runExecution(s, strategy, { maxSteps: 500 + (i % 64), stopOnFailure: false })!;
      for (const f of e.verdict.findings) verdicts.set(f.oracle, (verdicts.get(f.oracle) ?? 0) + 1);
      expect(e.machine.live()).toEqual([]);
    }
    expect(verdicts.get('hang-at-stop')).toBeUndefined();
  });
});
