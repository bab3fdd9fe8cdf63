/** `vpmu-lab demo`: the flagship demonstration (also `npm start`). */
import { unknownName } from '../host/errors.js';
import { hostArg } from './host-arg.js';
import { formatDemo } from '../demo/format.js';
import { runDemo } from '../demo/flagship.js';
import { intFlag, parseArgs, stringFlag, toJson } from './args.js';

export function demoCommand(argv: string[]): number {
  const args = parseArgs(argv, { host: true, quanta: true, json: false });
  if (args.positionals.length > 0) throw unknownName('demo argument', args.positionals[0], ['--host', '--quanta', '--json']);
  const host = hostArg(stringFlag(args, 'host'), 'rk3588');
  const name = typeof host === 'string' ? host : host.name;
  const rows = runDemo({ host, quanta: intFlag(args, 'quanta', 8, 2, 1_000_000) });
  console.log(args.flags.has('json') ? toJson({ host: name, rows }) : formatDemo(name, rows));
  return 0;
}
