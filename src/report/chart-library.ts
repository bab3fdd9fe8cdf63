import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let source: string | undefined;

/**
 * Chart.js's UMD build (it sets window.Chart), read once from the installed package so the
 * report inlines it and needs no network when viewed. chart.js's exports map does not list
 * dist/chart.umd.min.js, so the file is found beside the package's main entry. Its
 * sourceMappingURL comment is dropped: no map travels with the page.
 */
export function chartLibrarySource(): string {
  if (source === undefined) {
    let file = 'chart.js/dist/chart.umd.min.js';
    try {
      file = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
      source = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    } catch (cause) {
      throw new Error(`cannot read the chart library for the HTML report (${file}): is chart.js installed? (npm install)`, { cause });
    }
  }
  return source;
}
