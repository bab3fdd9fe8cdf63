import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartSpecs, reportFigures, type ChartSpec } from '../../src/report/charts.js';
import type { Comparison, DesignFigures, Spread } from '../../src/report/comparison.js';
import { escapeScriptText, jsonForScript } from '../../src/report/html-escape.js';
import { renderComparisonHtml, writeComparisonHtml } from '../../src/report/html.js';
import { bucketLabel, bucketPosition } from '../../src/report/log2-buckets.js';
import { formatCount, formatNs } from '../../src/report/units.js';
import { realisticComparison, sparseComparison } from './fixture.js';

/** The realistic comparison with loads/s set to figures whose cells are easy to read. */
function withLoads(c: Comparison, loads: readonly Spread[]): Comparison {
  return { ...c, designs: c.designs.map((d, i): DesignFigures => ({ ...d, loadsPerSec: loads[i]! })) };
}

/** The rows of the comparison table, each as its text without tags. */
function tableRows(html: string): string[] {
  const table = /<table id="comparison">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}

function jsonBlock(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  if (!m) throw new Error(`no #${id} block`);
  return JSON.parse(m[1]!);
}

describe('the comparison table', () => {
  const loads: Spread[] = [
    { median: 182_000, min: 177_000, max: 190_000 },
    { median: 241_000, min: 234_000, max: 252_000, ratio: 241 / 182 },
    { median: 247_000, min: 240_000, max: 258_000, ratio: 247 / 182 },
  ];
  const html = renderComparisonHtml(withLoads(realisticComparison(), loads));
  const rows = tableRows(html);

  it('has one row per design, in order', () => {
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['mutex', 'rcu', 'rcu-no-grace-period']);
  });

  it('shows each figure as median, min – max, and × the first design', () => {
    expect(rows[0]).toContain('182 k 177 k – 190 k');
    expect(rows[0]).not.toContain('×');
    expect(rows[1]).toContain('241 k 234 k – 252 k ×1.32');
    expect(rows[2]).toContain('247 k 240 k – 258 k ×1.36');
  });

  it('marks a design without grace periods with — instead of a 0 ns latency', () => {
    expect(rows[0]).toMatch(/— —$/);
    expect(rows[1]).toContain('43.2 µs');
  });

  it('shows failed repetitions in red, with each failure’s seed and oracle', () => {
    expect(html).toMatch(/<tr class="failed"><th scope="row"><span class="design">rcu-no-grace-period<\/span>/);
    expect(rows[2]).toContain('2 / 5');
    const failures = /<table id="failures" class="failed">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(failures).toContain('<td class="num">3</td><td>rcu-reclaimed-read</td>');
    expect(failures).toContain('<td class="num">5</td><td>rcu-reclaimed-read</td>');
  });

  it('gives each failure the command that runs it again, with the options run shares', () => {
    const again = renderComparisonHtml({ ...realisticComparison(), runOptions: ['--bug', 'rcu-early-free'] });
    expect(again).toContain('<code>vpmu-lab run pmu-list-race --design rcu-no-grace-period --seed 3 --duration 2000 --bug rcu-early-free</code>');
  });

  it('lists lock_stat per class, a row per design that has it', () => {
    const lockStat = /<table id="lock-stat">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(lockStat.match(/<tbody>/g)).toHaveLength(5);
    expect(lockStat).toContain('rowspan="3">config_lock</th>');
    expect(lockStat).toContain('rowspan="1">arm_pmus_lock</th>');
  });
});

describe('escaping', () => {
  const evil = '<script>alert(1)</script>';
  const c = realisticComparison();
  const html = renderComparisonHtml({ ...c, scenario: 'a&b', designs: c.designs.map((d, i) => (i === 1 ? { ...d, design: evil } : d)) });

  it('shows a design named like a tag as text', () => {
    expect(html).toContain('<span class="design">&lt;script&gt;alert(1)&lt;/script&gt;</span>');
    expect(html).toContain('<title>vpmu-lab compare: a&amp;b</title>');
  });

  it('opens and closes no element but its own scripts: two JSON blocks, the error hook, the library, the charts', () => {
    expect(html.match(/<script/gi)).toHaveLength(5);
    expect(html.match(/<\/script/gi)).toHaveLength(5);
  });

  it('keeps the name intact inside the JSON blocks', () => {
    const data = jsonBlock(html, 'comparison') as Comparison;
    expect(data.designs[1]!.design).toBe(evil);
    const specs = jsonBlock(html, 'charts') as ChartSpec[];
    expect(specs.find((s) => s.id === 'grace-periods')!.datasets[1]!.label).toContain(evil);
  });

  it('escapes </script in inlined script text, in any case', () => {
    expect(escapeScriptText('a = "</script>"; b = /<\\/SCRIPT>/')).toBe('a = "<\\/script>"; b = /<\\/SCRIPT>/');
    expect(escapeScriptText('x = "</Script >"')).toBe('x = "<\\/Script >"');
  });

  it('writes JSON with no < that JSON.parse reads back unchanged', () => {
    const value = { name: '</script><!-- x', n: [1, 2] };
    expect(jsonForScript(value)).not.toContain('<');
    expect(JSON.parse(jsonForScript(value))).toEqual(value);
  });
});

describe('self-contained', () => {
  const html = renderComparisonHtml(realisticComparison());

  it('inlines Chart.js without its source-map comment', () => {
    expect(html).toContain('Chart.js v4.5.1');
    expect(html).not.toContain('sourceMappingURL');
  });

  it('refers to nothing outside the page', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
  });

  it('has a canvas for every chart spec, and says how many to expect', () => {
    const specs = jsonBlock(html, 'charts') as ChartSpec[];
    expect(specs.map((s) => s.id)).toEqual(['series-0', 'series-1', 'series-2', 'lock-wait-0', 'lock-wait-1', 'lock-wait-2', 'lock-wait-3', 'lock-wait-4', 'grace-periods']);
    for (const s of specs) expect(html).toContain(`<canvas id="${s.id}"`);
    expect(html).toContain('data-charts-expected="9"');
  });

  it('turns off animation so a screenshot shows the final picture', () => {
    expect(html).toContain('animation: false');
  });
});

describe('charts', () => {
  it('plots a series point at the end of its interval, over the whole run', () => {
    const spec = chartSpecs(reportFigures(realisticComparison()))[0]!;
    expect(spec.x).toMatchObject({ min: 0, max: 2 });
    expect(spec.datasets[0]!.data[0]).toMatchObject({ x: 0.1 });
    expect(spec.datasets.map((d) => d.right ?? false)).toEqual([false, false, true]);
  });

  it('draws p50 and p99 lines only for the designs that had grace periods', () => {
    const c = realisticComparison();
    const grace = reportFigures(c).gracePeriods;
    if (grace.kind !== 'chart') throw new Error('expected a grace-period chart');
    expect(grace.spec.markers!.map((m) => `${m.dataset} ${m.label}`)).toEqual(['1 p50', '1 p99', '2 p50', '2 p99']);
    expect(grace.spec.datasets[0]!.label).toBe('mutex (no grace periods)');
    // Buckets no design reached are not drawn at either end; empty buckets are null.
    const labels = grace.spec.x.labels!;
    expect(labels[0]).not.toBe('< 2 ns');
    expect(grace.spec.datasets[0]!.data.every((v) => v === null)).toBe(true);
  });

  it('puts empty cases as notes, not empty charts', () => {
    const f = reportFigures(sparseComparison());
    expect(f.series.map((s) => s.kind)).toEqual(['empty', 'chart']);
    expect(f.lockWaits).toEqual([]);
    expect(f.gracePeriods.kind).toBe('empty');
    const html = renderComparisonHtml(sparseComparison());
    expect(html).toContain('No lock classes recorded.');
    expect(html).toContain('no grace periods in any design');
    expect(html).toContain('data-charts-expected="1"');
  });

  it('titles a single design as a run', () => {
    const c = realisticComparison();
    const html = renderComparisonHtml({ ...c, designs: c.designs.slice(1, 2) });
    expect(html).toContain('<h1>vpmu-lab run: pmu-list-race (rcu)</h1>');
    expect(tableRows(html)).toHaveLength(1);
  });
});

describe('units and buckets', () => {
  it('prints three significant digits with a unit', () => {
    expect([0, 12, 0.4, 999, 12_345, 999_950, 1_520_000, 3.4e9].map(formatCount)).toEqual(['0', '12', '0.400', '999', '12.3 k', '1.00 M', '1.52 M', '3.40 G']);
    expect([0, 87, 12_345, 1_520_000, 2e9].map(formatNs)).toEqual(['0 ns', '87 ns', '12.3 µs', '1.52 ms', '2.00 s']);
  });

  it('names log2 buckets as doublings', () => {
    expect([0, 1, 9, 10, 11, 19, 20, 30, 31].map(bucketLabel)).toEqual(['< 2 ns', '2–4 ns', '512 ns–1 µs', '1–2 µs', '2–4 µs', '512 µs–1 ms', '1–2 ms', '1–2 s', '2–4 s']);
  });

  it('places a value inside its bucket by its log2 fraction', () => {
    expect(bucketPosition(2 ** 10.5, 10)).toBeCloseTo(0);
    expect(bucketPosition(2 ** 12, 10)).toBeCloseTo(1.5);
    expect(bucketPosition(0, 0)).toBeCloseTo(-0.5);
  });
});

describe('writeComparisonHtml', () => {
  it('writes the page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-html-'));
    try {
      const file = join(dir, 'report.html');
      writeComparisonHtml(file, sparseComparison());
      expect(readFileSync(file, 'utf8')).toBe(renderComparisonHtml(sparseComparison()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file it could not write', () => {
    const file = join(tmpdir(), 'vpmu-no-such-dir', 'x', 'report.html');
    expect(() => writeComparisonHtml(file, sparseComparison())).toThrow(`cannot write the HTML report to ${file}`);
  });
});

describe('no data is not 0 ns', () => {
  it('a lock class never contended or never timed shows "—" for its waits or holds, and the notes under the design', () => {
    const base = realisticComparison();
    const zero: Spread = { median: 0, min: 0, max: 0 };
    const first = base.designs[0]!;
    const quiet = { ...first.lockStat[0]!, class: 'config_lock', contentions: zero, holdSamples: zero };
    const c: Comparison = { ...base, designs: [{ ...first, lockStat: [quiet], notes: ['1 failed repetition left out of the figures'] }] };
    const html = renderComparisonHtml(c);
    const row = /<table id="lock-stat">[\s\S]*?<td>mutex<\/td>([\s\S]*?)<\/tr>/.exec(html)![1]!;
    const cellsText = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').trim());
    expect(cellsText.slice(2)).toEqual(['—', '—', '—', '—', '—', '—']); // wait p50/p99/max, hold p50/p99/max
    expect(html).toContain('note: 1 failed repetition left out of the figures');
  });
});
