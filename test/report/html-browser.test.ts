import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/report/comparison.js';
import { writeComparisonHtml } from '../../src/report/html.js';
import { realisticComparison, sparseComparison } from './fixture.js';

// The page in a real browser: Debian's chromium (CI's .ci/run installs it), driven by puppeteer-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../../test-output/report/', import.meta.url));
const TIMEOUT_MS = 30_000;

/** The little of the DOM the probes touch: the test compiles without lib.dom. */
interface ProbeCanvas {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } } | null;
}
interface ProbeDocument {
  readonly body: { readonly dataset: Readonly<Record<string, string | undefined>> };
  querySelectorAll(selector: 'canvas'): ArrayLike<ProbeCanvas>;
  querySelectorAll(selector: string): ArrayLike<{ readonly textContent: string | null }>;
}

interface PageState {
  readonly chartsRendered: string | undefined;
  readonly chartErrors: string | undefined;
  readonly canvases: readonly { id: string; width: number; height: number; painted: number }[];
  readonly designRows: readonly string[];
  readonly notes: readonly string[];
}

/** Runs in the page: what was drawn, canvas by canvas (the share of pixels not left transparent). */
function pageState(): PageState {
  const doc = (globalThis as unknown as { document: ProbeDocument }).document;
  const canvases = Array.from(doc.querySelectorAll('canvas')).map((c) => {
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return { id: c.id, width: c.width, height: c.height, painted: painted / Math.max(1, c.width * c.height) };
  });
  return {
    chartsRendered: doc.body.dataset.chartsRendered,
    chartErrors: doc.body.dataset.chartErrors,
    canvases,
    designRows: Array.from(doc.querySelectorAll('#comparison tbody tr .design')).map((e) => e.textContent ?? ''),
    notes: Array.from(doc.querySelectorAll('.note')).map((e) => e.textContent ?? ''),
  };
}

let browser: Promise<Browser> | undefined;
let profileDir: string | undefined;

/**
 * Chromium, started by the first test that needs it. Started there rather than in beforeAll
 * so that a missing browser fails each test by name (and counts in CI's "N failed") instead of
 * skipping them.
 */
function chromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the HTML report's browser test needs chromium at ${CHROMIUM}: apt-get install chromium (CI's .ci/run does), or set CHROMIUM_PATH`);
  }
  if (browser === undefined) {
    profileDir = mkdtempSync(join(tmpdir(), 'vpmu-chromium-'));
    browser = puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profileDir,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
  }
  return browser;
}

afterAll(async () => {
  // A launch that failed has already failed the tests that waited for it.
  const started = await browser?.catch(() => undefined);
  await started?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
}, TIMEOUT_MS);

/** Writes the report under test-output/, opens it from file://, and waits for the charts (or an error). */
async function open(c: Comparison, name: string) {
  const page = await (await chromium()).newPage();
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.html`);
  writeComparisonHtml(file, c);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${(e as Error).message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.setViewport({ width: 1360, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // An error that stops the chart script leaves only data-chart-errors: the assertions then show it.
  await page.waitForFunction('document.body.dataset.chartsRendered !== undefined || document.body.dataset.chartErrors !== undefined', { timeout: 10_000 });
  return { page, errors, requests, state: await page.evaluate(pageState) };
}

describe('the HTML report in headless chromium', { timeout: TIMEOUT_MS }, () => {
  it('draws every chart of a three-design comparison without an error, and saves a screenshot', async () => {
    const { page, errors, requests, state } = await open(realisticComparison(), 'compare');
    expect(errors).toEqual([]);
    expect(state.chartErrors).toBeUndefined();
    // Nothing but the page itself is loaded: the library is inlined.
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    // 3 time series, 5 lock classes (config_lock, kvm->lock, vcpu->mutex, arm_pmus_lock, rcu), 1 grace-period chart.
    expect(state.chartsRendered).toBe('9');
    expect(state.canvases).toHaveLength(9);
    for (const c of state.canvases) {
      expect(c.width, c.id).toBeGreaterThan(0);
      expect(c.height, c.id).toBeGreaterThan(0);
      // Axes, labels and data: a blank or axes-only canvas paints far less.
      expect(c.painted, c.id).toBeGreaterThan(0.02);
    }
    expect(state.designRows).toEqual(['mutex', 'rcu', 'rcu-no-grace-period']);
    await page.screenshot({ path: join(OUT, 'compare.png'), fullPage: true });
    expect(existsSync(join(OUT, 'compare.png'))).toBe(true);
    await page.close();
  });

  it('survives the empty cases: no samples, one sample, no lock classes, no grace periods', async () => {
    const { page, errors, state } = await open(sparseComparison(), 'sparse');
    expect(errors).toEqual([]);
    expect(state.chartErrors).toBeUndefined();
    // Only rcu's one-sample series has anything to draw.
    expect(state.chartsRendered).toBe('1');
    expect(state.canvases.map((c) => c.id)).toEqual(['series-1']);
    expect(state.canvases[0]!.painted).toBeGreaterThan(0.01);
    expect(state.notes).toEqual(
      expect.arrayContaining([expect.stringContaining('no samples'), 'No lock classes recorded.', 'no grace periods in any design']),
    );
    await page.screenshot({ path: join(OUT, 'sparse.png'), fullPage: true });
    await page.close();
  });
});
