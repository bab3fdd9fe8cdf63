/**
 * `--host`: a preset name, or a path to a topology JSON file (anything ending in .json).
 * A file that cannot be read or parsed, or a topology with a bad field, is a one-line
 * error naming the file and the field.
 */
import { VpmuLabError, unknownName } from '../host/errors.js';
import { presetNames } from '../host/presets.js';
import { resolveTopology, type TopologySpec } from '../host/topology.js';
import { readJsonFile } from '../host/validate.js';

export function hostArg(value: string | undefined, fallback?: string): string | TopologySpec {
  const v = value ?? fallback;
  if (v === undefined) throw new VpmuLabError(`missing --host PRESET|FILE.json; valid presets: ${presetNames.join(', ')}`);
  if (!v.endsWith('.json')) {
    if (!presetNames.includes(v)) throw unknownName('preset', v, presetNames);
    return v;
  }
  const raw = readJsonFile(v, 'topology file', `--host ${v}`);
  resolveTopology(raw, v); // throws naming `<file>.pmus[1].cpus[0]` and so on
  return raw as TopologySpec;
}
