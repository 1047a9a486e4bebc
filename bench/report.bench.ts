/**
 * What people wait for: `pacsmine report` on a workspace (generation time, best of 3, and file
 * size), and the review app's topic grid (`pacsmine serve`, the largest topic of a level) in
 * Debian's Chromium: time to a built grid, and to every thumbnail loaded when scrolled through,
 * with the thumbnail cache cold and then warm. No anchor: no Debian package does either.
 *
 *   npm run bench -- report --workspace DIR [--level document]
 *
 * Without --workspace it makes the tiny demo workspace (testing/tiny-demo.ts) and measures that.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { finish, peakRssMb } from './lib/report.js';
import { Workspace } from '../src/store/workspace.js';
import { writeReport } from '../src/report/write-report.js';
import { startReviewServer } from '../src/review/server.js';
import { listTopics } from '../src/review/queries.js';
import { buildTinyDemo, type TinyDemo } from '../testing/tiny-demo.js';
import type { TopicLevel } from '../src/topics/stage.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const CHROMIUM = '/usr/bin/chromium';

let demo: TinyDemo | undefined;
const dir = arg('workspace') ?? (demo = await buildTinyDemo('pacsmine-bench-report-')).dir;
const level = (arg('level') ?? 'document') as TopicLevel;
try {
  const ws = Workspace.open(dir, { access: 'read', create: false });
  const times: number[] = [];
  let bytes = 0;
  const out = path.join(path.dirname(path.resolve(dir)), `${path.basename(dir)}-bench-report.html`);
  let largest: { label: string; numImages: number } | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      const r = await writeReport(ws, { out });
      times.push(r.seconds);
      bytes = r.bytes;
    }
    largest = listTopics(ws, level, 0)[0];
  } finally {
    ws.close();
  }
  const best = Math.min(...times);
  process.stdout.write(`report: ${(bytes / 1024).toFixed(0)} KiB in ${best.toFixed(2)} s (best of 3: ${times.map((t) => t.toFixed(2)).join(', ')}) -> ${out}\n`);

  let grid: Record<string, number> | undefined;
  if (largest && existsSync(CHROMIUM)) {
    const token = 'bench-token-0123456789abcdef';
    const server = await startReviewServer({ workspace: dir, token, port: 0 });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    try {
      const url = `http://127.0.0.1:${server.port}/topic?level=${level}&label=${encodeURIComponent(largest.label)}&token=${token}`;
      const load = async (): Promise<{ readyMs: number; allMs: number; images: number }> => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const t0 = performance.now();
        await page.goto(url);
        await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
        const readyMs = performance.now() - t0;
        const images = await page.locator('#topic-grid img').count();
        // Scroll through the grid so that every lazy thumbnail loads, then wait for the last.
        // (Functions, not strings: the page's CSP forbids eval.)
        await page.evaluate(async () => {
          const g = globalThis as unknown as { document: { body: { scrollHeight: number } }; scrollTo(x: number, y: number): void };
          for (let y = 0; y < g.document.body.scrollHeight; y += 800) {
            g.scrollTo(0, y);
            await new Promise((r) => setTimeout(r, 20));
          }
        });
        await page.waitForFunction(() => [...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ complete: boolean }> } }).document.querySelectorAll('#topic-grid img')].every((i) => i.complete),
          undefined, { timeout: 300_000, polling: 100 });
        const allMs = performance.now() - t0;
        await page.close();
        return { readyMs, allMs, images };
      };
      const cold = await load();
      const warm = await load();
      process.stdout.write(`topic grid (${level} topic ${largest.label}, ${cold.images} images): grid built in ${cold.readyMs.toFixed(0)} ms, ` +
        `every thumbnail loaded in ${cold.allMs.toFixed(0)} ms cold (thumbnails made on the fly), ${warm.readyMs.toFixed(0)} / ${warm.allMs.toFixed(0)} ms warm\n`);
      grid = { images: cold.images, cold_ready_ms: Math.round(cold.readyMs), cold_all_ms: Math.round(cold.allMs), warm_ready_ms: Math.round(warm.readyMs), warm_all_ms: Math.round(warm.allMs) };
    } finally {
      await browser.close();
      await server.app.close();
    }
  } else process.stdout.write(`topic grid: skipped (${largest ? `needs ${CHROMIUM}` : 'no topics'})\n`);

  finish({ bench: 'report', workspace: dir, report_bytes: bytes, report_seconds: Math.round(best * 1000) / 1000, ...(grid ? { grid } : {}), peak_rss_mb: peakRssMb() });
} finally {
  demo?.remove();
}
