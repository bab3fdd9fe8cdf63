/**
 * Where the compiled worker entry points are. Workers always run from the `tsc` build
 * (`dist/workers/*.js`): on Node 20 a TypeScript loader's hooks do not reach worker
 * threads. Found from the package root, so it works from `src/` (tests) and `dist/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VpmuLabError } from '../host/errors.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new VpmuLabError('cannot find the vpmu-lab package root from ' + import.meta.url);
    dir = up;
  }
  return dir;
}

/** Engine threads (pcpu, vmm, probe), a whole run behind a handle (run), and the piscina task entries of campaigns and comparisons. */
export function workerPath(name: 'pcpu' | 'vmm' | 'probe' | 'run' | 'campaign' | 'compare'): string {
  const file = join(packageRoot(), 'dist', 'workers', `${name}.js`);
  if (!existsSync(file)) throw new VpmuLabError(`worker ${file} is missing: run \`npm run build\` first`);
  return file;
}
