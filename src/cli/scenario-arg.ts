/**
 * The SCENARIO|FILE.json argument that `run` and `explore` share, with the options that
 * override a scenario's own settings (their help is declared once, in main.ts
 * `scenarioOptions`): the scenario as given (for schedule files) and resolved.
 */
import { builtinScenarioNames, builtinScenarios } from '../engine/builtin-scenarios.js';
import { resolveScenario, type Scenario, type ScenarioSpec } from '../engine/scenario.js';
import { specUnder } from '../compare/spec-under.js';
import { unknownName, VpmuLabError } from '../host/errors.js';
import { pmuListDesigns } from '../host/pmu-list.js';
import { checkDesignApplies, designNames, designOf, type Design } from '../kvm/designs.js';
import { readJsonFile } from '../host/validate.js';
import { intFlag, stringFlag, type ParsedArgs } from './args.js';

function loadSpec(name: string): { spec: unknown; path: string } {
  if (!name.endsWith('.json')) {
    const spec = Object.hasOwn(builtinScenarios, name) ? builtinScenarios[name] : undefined;
    if (!spec) throw unknownName('scenario', name, [...builtinScenarioNames, '<file>.json']);
    return { spec, path: `scenario ${name}` };
  }
  return { spec: readJsonFile(name, 'scenario file'), path: name };
}

/**
 * `--design NAME`: a locking design of the registry (its switches over the scenario's), or
 * an arm_pmus design the registry does not list (rcu-no-grace-period, broken on purpose).
 */
function applyDesign(o: ScenarioSpec, name: string): Design | undefined {
  if (designNames.includes(name)) {
    const d = designOf(name);
    Object.assign(o, specUnder(o, d));
    delete o.design;
    return d;
  } else if ((pmuListDesigns as readonly string[]).includes(name)) {
    o.design = name as ScenarioSpec['design'];
  } else {
    throw unknownName('design', name, [...designNames, ...pmuListDesigns.filter((d) => !designNames.includes(d))]);
  }
  return undefined;
}

/** The one positional scenario with the overriding options applied, validated. */
export function scenarioFromArgs(args: ParsedArgs): { spec: ScenarioSpec; scenario: Scenario; design?: Design } {
  if (args.positionals.length !== 1) {
    throw new VpmuLabError(`expected one scenario (${builtinScenarioNames.join(', ')} or a .json file)`);
  }
  const { spec, path } = loadSpec(args.positionals[0]!);
  const o = { ...(spec as ScenarioSpec) };
  if (args.flags.has('duration')) o.durationMs = intFlag(args, 'duration', 0, 1, 24 * 3600 * 1000);
  if (args.flags.has('quanta')) o.quanta = intFlag(args, 'quanta', 0, 0, 2 ** 31 - 1);
  if (args.flags.has('profile')) o.profile = stringFlag(args, 'profile');
  const design = args.flags.has('design') ? applyDesign(o, stringFlag(args, 'design')!) : undefined;
  const bugs = args.lists.get('bug');
  const off = args.lists.get('no-oracle');
  if (off) o.oraclesOff = [...new Set([...(o.oraclesOff ?? []), ...off])];
  if (bugs) o.bugs = [...new Set([...(o.bugs ?? []), ...bugs])];
  if (args.flags.has('policy')) o.scheduler = { ...o.scheduler, policy: stringFlag(args, 'policy') as never };
  const scenario = resolveScenario(o, path);
  if (design) checkDesignApplies(design, o.name, scenario.profile.name, scenario.profile.attr5);
  return { spec: o, scenario, ...(design ? { design } : {}) };
}
