/**
 * A shard's output (`explore --shard i/N`): JSON lines, read back by `vpmu-lab merge`.
 *
 *   {"type":"shard", "format":"vpmu-lab-shard/1", "build", "scenario", "job", "runs", "blockSize", "shard":{"index","count"}}
 *   {"type":"block", "block", "first", "steps":[…], "migrations":[…], "virtualNs":[…]}   one per block run, in block order
 *   {"type":"failure", …a failure of the explore report, with its "index"}              fastest-failing first
 *   {"type":"lockdep", "graph"}                                                          the counted executions' lockdep graph
 *   {"type":"summary", "verdict", "runs", "steps", "workers", "wallMs", "searchMs", "interrupted"}   last
 *
 * The header names the campaign (merge refuses shards of different ones); a block line holds
 * the per-execution figures of the executions it counted (index first, first+1, …), so the
 * merge recounts the totals exactly as one unsharded campaign would; the summary line comes
 * last, so a truncated file is told apart from a short one.
 */
import { readFileSync } from 'node:fs';
import type { ScenarioSpec } from '../engine/scenario.js';
import { badField, VpmuLabError } from '../host/errors.js';
import { checkArray, checkObject, intValue, isInt } from '../host/validate.js';
import type { CampaignJob } from './campaign-block.js';
import { BLOCK_SIZE, type Shard } from './campaign-plan.js';
import { strategyNames } from './campaign-strategy.js';
import type { BlockRecord } from './campaign-tally.js';
import { LOCKDEP_CLASSES, LockdepGraph, type LockdepJson } from '../check/lockdep.js';
import { HISTOGRAM_BUCKETS, type LockStatRow } from '../check/lock-stat.js';
import type { Campaign, ExploreResult, FailureReport } from './explore.js';

export const SHARD_FORMAT = 'vpmu-lab-shard/1';

export interface ShardHeader {
  readonly type: 'shard';
  readonly format: typeof SHARD_FORMAT;
  readonly build: string;
  readonly scenario: ScenarioSpec;
  readonly job: CampaignJob;
  /** The whole campaign's run count (0: until the budget). */
  readonly runs: number;
  readonly blockSize: number;
  readonly shard: Shard;
}

export interface ShardSummary {
  readonly type: 'summary';
  readonly verdict: ExploreResult['verdict'];
  readonly runs: number;
  readonly steps: number;
  readonly workers: number;
  readonly wallMs: number;
  readonly searchMs: number;
  readonly interrupted: boolean;
}

export interface ShardContent {
  readonly file: string;
  readonly header: ShardHeader;
  readonly blocks: readonly BlockRecord[];
  readonly failures: readonly FailureReport[];
  readonly lockdep: readonly LockdepJson[];
  readonly summary: ShardSummary;
}

/** The lines of a shard's file, each one JSON object, newline-terminated. */
export function shardText(c: Campaign, spec: ScenarioSpec, runs: number): string {
  const r = c.result;
  if (!r.shard) throw new Error('shardText: the campaign ran no shard');
  const header: ShardHeader = { type: 'shard', format: SHARD_FORMAT, build: r.build, scenario: spec, job: c.job, runs, blockSize: BLOCK_SIZE, shard: r.shard };
  const summary: ShardSummary = { type: 'summary', verdict: r.verdict, runs: r.runs, steps: r.steps, workers: r.workers, wallMs: r.wallMs, searchMs: r.searchMs, interrupted: r.interrupted };
  const lines: object[] = [
    header,
    ...c.blocks.map((b) => ({ type: 'block', ...b })),
    ...r.failures.map((f) => ({ type: 'failure', ...f })),
    { type: 'lockdep', graph: c.lockdep.toJSON() },
    summary,
  ];
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

/** Reads and checks one shard file; bad input names the file, the line and the field. */
export function readShard(file: string): ShardContent {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VpmuLabError(`${file}: cannot read the shard file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new VpmuLabError(`${file}: empty: not a shard file (explore --shard i/N --shard-out FILE writes one)`);
  const objects = lines.map((line, k) => {
    try {
      return checkObject(`${file}:${k + 1}`, JSON.parse(line));
    } catch (e) {
      if (e instanceof VpmuLabError) throw e;
      throw new VpmuLabError(`${file}:${k + 1}: not valid JSON (${(e as Error).message})`);
    }
  });
  const header = checkHeader(`${file}:1`, objects[0]!);
  const last = objects.length - 1;
  if (last === 0 || objects[last]!.type !== 'summary') throw new VpmuLabError(`${file}:${last + 1}: the summary line is missing (the shard did not finish writing, or the file was cut short)`);
  const blocks: BlockRecord[] = [];
  const failures: FailureReport[] = [];
  const lockdep: LockdepJson[] = [];
  for (let k = 1; k < last; k++) {
    const at = `${file}:${k + 1}`;
    const { type, ...o } = objects[k]!;
    if (type === 'block') blocks.push(checkBlock(at, o, header, blocks.at(-1)));
    else if (type === 'failure') failures.push(checkFailure(at, o));
    else if (type === 'lockdep') lockdep.push(checkLockdep(at, o.graph));
    else throw badField(`${at}: type`, '"block", "failure", "lockdep" or (last) "summary"', type);
  }
  const summary = checkSummary(`${file}:${last + 1}`, objects[last]!, blocks);
  for (const f of failures) {
    if (!blocks.some((b) => f.index >= b.first && f.index < b.first + b.steps.length)) throw new VpmuLabError(`${file}: the failure at execution ${f.index} lies in no block of the file`);
  }
  return { file, header, blocks, failures, lockdep, summary };
}

function checkLockdep(at: string, graph: unknown): LockdepJson {
  try {
    return LockdepGraph.fromJSON(graph).toJSON();
  } catch (e) {
    throw new VpmuLabError(`${at}: graph: ${(e as Error).message}`);
  }
}

function checkHeader(at: string, o: Record<string, unknown>): ShardHeader {
  if (o.type !== 'shard' || o.format !== SHARD_FORMAT) throw new VpmuLabError(`${at}: not a shard header ({"type":"shard","format":"${SHARD_FORMAT}",…}): not the output of explore --shard, or another version's`);
  if (typeof o.build !== 'string') throw badField(`${at}: build`, 'a build id', o.build);
  checkObject(`${at}: scenario`, o.scenario);
  const job = checkObject(`${at}: job`, o.job);
  if (!strategyNames.includes(job.strategy as never) || job.strategy === 'dfs') throw badField(`${at}: job.strategy`, 'random or pct', job.strategy);
  for (const k of ['seed', 'depth', 'maxPreemptions', 'maxSteps'] as const) intValue(`${at}: job.${k}`, job[k], 0, 2 ** 53);
  if (typeof job.keepGoing !== 'boolean') throw badField(`${at}: job.keepGoing`, 'true or false', job.keepGoing);
  intValue(`${at}: runs`, o.runs, 0, 2 ** 53);
  intValue(`${at}: blockSize`, o.blockSize, 1, 2 ** 31);
  const shard = checkObject(`${at}: shard`, o.shard);
  const count = intValue(`${at}: shard.count`, shard.count, 1, 100_000);
  intValue(`${at}: shard.index`, shard.index, 0, count - 1);
  return o as unknown as ShardHeader;
}

function checkBlock(at: string, o: Record<string, unknown>, h: ShardHeader, before: BlockRecord | undefined): BlockRecord {
  const block = intValue(`${at}: block`, o.block, 0, 2 ** 53);
  if (block % h.shard.count !== h.shard.index) throw badField(`${at}: block`, `a block of shard ${h.shard.index}/${h.shard.count} (block mod ${h.shard.count} = ${h.shard.index})`, block);
  if (before && block <= before.block) throw badField(`${at}: block`, `a block after block ${before.block} (blocks in order, each once)`, block);
  if (o.first !== block * h.blockSize) throw badField(`${at}: first`, `${block * h.blockSize} (block ${block} × ${h.blockSize})`, o.first);
  const column = (k: 'steps' | 'migrations' | 'virtualNs', n?: number): number[] => {
    const a = checkArray(`${at}: ${k}`, o[k], 'numbers');
    if (a.length === 0 || a.length > h.blockSize || (n !== undefined && a.length !== n)) throw badField(`${at}: ${k}`, `1..${h.blockSize} numbers${n !== undefined ? `, as many as steps (${n})` : ''}`, `${a.length} entries`);
    a.forEach((v, i) => {
      if (typeof v !== 'number' || !(v >= 0) || (k !== 'virtualNs' && !isInt(v))) throw badField(`${at}: ${k}[${i}]`, 'a non-negative number', v);
    });
    return a as number[];
  };
  const steps = column('steps');
  return {
    block,
    first: block * h.blockSize,
    steps,
    migrations: column('migrations', steps.length),
    virtualNs: column('virtualNs', steps.length),
    lockStat: checkLockStat(`${at}: lockStat`, o.lockStat),
  };
}

const LOCK_STAT_FIELDS = ['acquisitions', 'contentions', 'waitTotal', 'waitMax', 'holdTotal', 'holdMax', 'holdSamples'] as const;

function checkLockStat(at: string, raw: unknown): LockStatRow[] {
  return checkArray(at, raw, 'lock_stat rows').map((r, i) => {
    const o = checkObject(`${at}[${i}]`, r);
    if (!(LOCKDEP_CLASSES as readonly unknown[]).includes(o.class)) throw badField(`${at}[${i}].class`, `a lock class (${LOCKDEP_CLASSES.join(', ')})`, o.class);
    for (const k of LOCK_STAT_FIELDS) {
      if (typeof o[k] !== 'number' || !((o[k] as number) >= 0)) throw badField(`${at}[${i}].${k}`, 'a non-negative number', o[k]);
    }
    for (const k of ['waitHistogram', 'holdHistogram'] as const) {
      const h = checkArray(`${at}[${i}].${k}`, o[k], 'log2 bucket counts');
      if (h.length > HISTOGRAM_BUCKETS || !h.every((n) => isInt(n) && n >= 0)) throw badField(`${at}[${i}].${k}`, `at most ${HISTOGRAM_BUCKETS} non-negative integer counts`, o[k]);
    }
    return o as unknown as LockStatRow;
  });
}

function checkFailure(at: string, o: Record<string, unknown>): FailureReport {
  for (const k of ['oracle', 'reason', 'traceHash', 'replayFile'] as const) if (typeof o[k] !== 'string') throw badField(`${at}: ${k}`, 'a string', o[k]);
  for (const k of ['index', 'seed', 'steps', 'migrations'] as const) intValue(`${at}: ${k}`, o[k], 0, 2 ** 53);
  if (o.minimal !== undefined) checkObject(`${at}: minimal`, o.minimal);
  return o as unknown as FailureReport;
}

function checkSummary(at: string, o: Record<string, unknown>, blocks: readonly BlockRecord[]): ShardSummary {
  const runs = blocks.reduce((n, b) => n + b.steps.length, 0);
  const steps = blocks.reduce((n, b) => b.steps.reduce((m, s) => m + s, n), 0);
  if (o.runs !== runs) throw badField(`${at}: runs`, `${runs} (the executions of the block lines)`, o.runs);
  if (o.steps !== steps) throw badField(`${at}: steps`, `${steps} (the steps of the block lines)`, o.steps);
  if (o.verdict !== 'SUCCESS' && o.verdict !== 'FAILURE') throw badField(`${at}: verdict`, 'SUCCESS or FAILURE', o.verdict);
  intValue(`${at}: workers`, o.workers, 1, 1e6);
  for (const k of ['wallMs', 'searchMs'] as const) if (typeof o[k] !== 'number' || !(o[k] >= 0)) throw badField(`${at}: ${k}`, 'a non-negative number', o[k]);
  if (typeof o.interrupted !== 'boolean') throw badField(`${at}: interrupted`, 'true or false', o.interrupted);
  return o as unknown as ShardSummary;
}
