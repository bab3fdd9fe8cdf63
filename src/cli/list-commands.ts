/**
 * `vpmu-lab scenarios`, `presets`, `profiles`, `designs` and `bugs`: what the built-in names
 * mean. Their options are declared in main.ts.
 */
import { builtinScenarios } from '../engine/builtin-scenarios.js';
import { resolveScenario } from '../engine/scenario.js';
import { formatCpuList } from '../host/cpumask.js';
import { presets } from '../host/presets.js';
import { resolveTopology } from '../host/topology.js';
import { profiles, switchHelp, switchNames } from '../kvm/profile.js';
import { bugCatalog } from '../check/bugs.js';
import { designs, formatSwitches } from '../kvm/designs.js';
import { noPositionals, toJson, type ParsedArgs } from './args.js';
import { formatTable } from './table.js';

export function scenariosCommand(args: ParsedArgs): number {
  noPositionals(args);
  const list = Object.entries(builtinScenarios).map(([name, spec]) => {
    const s = resolveScenario(spec, `scenario ${name}`);
    return { name, description: spec.description ?? '', host: s.topology.name, profile: s.profile.name };
  });
  if (args.flags.has('json')) {
    console.log(toJson(list));
    return 0;
  }
  const w = Math.max(...list.map((s) => s.name.length));
  for (const s of list) console.log(`${s.name.padEnd(w)}  ${s.description}`);
  console.log(`\nusage: vpmu-lab run SCENARIO|FILE.json [options]   ('vpmu-lab run --help' lists the options)`);
  return 0;
}

export function presetsCommand(args: ParsedArgs): number {
  noPositionals(args);
  const topologies = Object.values(presets).map((p) => resolveTopology(p));
  if (args.flags.has('json')) {
    console.log(toJson(topologies));
    return 0;
  }
  for (const t of topologies) {
    console.log(`${t.name} — ${t.description}`);
    const rows = t.pmus.map((p) => [
      p.name,
      String(p.type),
      p.kind === 'cpu' ? formatCpuList(p.cpus) : '(uncore)',
      String(p.counters),
      `0x${p.pmuver.toString(16)}`,
    ]);
    console.log(formatTable(['  PMU', 'type', 'cpus', 'N', 'PMUVer'], rows.map((r) => [`  ${r[0]}`, ...r.slice(1)])));
    console.log('');
  }
  return 0;
}

export function profilesCommand(args: ParsedArgs): number {
  noPositionals(args);
  if (args.flags.has('json')) {
    console.log(toJson(profiles));
    return 0;
  }
  const all = Object.values(profiles);
  for (const p of all) console.log(`${p.name}: ${p.description}`);
  console.log('');
  console.log(
    formatTable(
      ['switch', ...all.map((p) => p.name), 'meaning'],
      switchNames.map((s) => [s, ...all.map((p) => String(p[s])), switchHelp[s]]),
    ),
  );
  console.log('\nOverride any switch from the API: createHost(preset, { profile, switches: { name: value } }).');
  return 0;
}

export function bugsCommand(args: ParsedArgs): number {
  noPositionals(args);
  if (args.flags.has('json')) {
    console.log(JSON.stringify(bugCatalog));
    return 0;
  }
  console.log(
    formatTable(
      ['bug', '§8', 'scenario', 'oracle', 'what it does'],
      bugCatalog.map((b) => [b.name, b.item === undefined ? '-' : String(b.item), b.scenario, b.oracle, b.summary]),
    ),
  );
  console.log('\nSources:');
  for (const b of bugCatalog) console.log(`  ${b.name}: ${b.source}`);
  console.log("\nPlant one or more with --bug NAME on 'vpmu-lab run' and 'vpmu-lab explore'; e.g.");
  console.log(`  vpmu-lab explore ${bugCatalog[0]!.scenario} --bug ${bugCatalog[0]!.name}`);
  return 0;
}

export function designsCommand(args: ParsedArgs): number {
  noPositionals(args);
  if (args.flags.has('json')) {
    console.log(JSON.stringify(designs));
    return 0;
  }
  console.log(
    formatTable(
      ['design', 'axis', 'switches', 'applies to', 'what it is'],
      designs.map((d) => [d.name, d.axis, formatSwitches(d), d.needs ? `profiles whose attribute 5 is ${d.needs}` : 'every profile', d.summary]),
    ),
  );
  console.log("\nCompare designs with 'vpmu-lab compare SCENARIO --designs A,B[,…]', e.g.");
  console.log('  vpmu-lab compare pmu-list-race --designs mutex,rcu,rcu-memb');
  console.log("or run one: 'vpmu-lab run SCENARIO --design NAME'.");
  return 0;
}
