/**
 * The build id that names a run with its seed, scenario and strategy: the package version
 * and a hash of the built model code, so a schedule recorded by another build is flagged
 * (its replay may legitimately diverge).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function buildId(): string {
  if (cached) return cached;
  const root = sourceRoot();
  const pkg = { version: packageVersion() };
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(root);
  cached = `${pkg.version}+${hash.digest('hex').slice(0, 12)}`;
  return cached;
}

/** dist/src, or src when run from sources. */
function sourceRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}

/** The package's version (`vpmu-lab --version`, build ids). */
export function packageVersion(): string {
  return packageJson(sourceRoot()).version;
}

/** The project's package.json, looked for upwards from `dir` (dist/src or src). */
function packageJson(dir: string): { version: string } {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'vpmu-lab') return pkg;
    } catch {
      // not here: keep looking upwards
    }
    if (dirname(d) === d) return { version: '0.0.0' };
  }
}
