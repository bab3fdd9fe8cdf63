/**
 * `vpmu-lab merge FILE…`: the shard files of one campaign (`explore --shard i/N`) combined
 * into the campaign's report, the same text or JSON as `explore` (src/explore/shard-merge.ts).
 * Exit: 0 SUCCESS, 1 FAILURE, 2 bad input (a malformed shard file, shards of different
 * campaigns, a shard missing or given twice).
 */
import { mergeShards } from '../explore/shard-merge.js';
import { toJson, type ParsedArgs } from './args.js';
import { formatExplore } from './explore-command.js';

export function mergeCommand(args: ParsedArgs): number {
  const result = mergeShards(args.positionals);
  console.log(args.flags.has('json') ? toJson(result) : formatExplore(result));
  return result.verdict === 'SUCCESS' ? 0 : 1;
}
