// The bench report in a real browser: Debian's chromium, headless, driven through playwright-core.
// Every chart renders, no chart label overflows its chart or is clipped, and every session with a kill
// or an eviction appears. Chromium comes from .ci/run (apt-get install -y chromium); when it is missing
// the test tries to install it, and skips, saying why, only when that is impossible here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { runBenchCommand } from '../../../src/cli/bench-cmd.js';
import { replay } from '../../../bench/replay/replay.js';
import type { ReplayInput, ReplayOutcome } from '../../../bench/replay/replay-types.js';
import { capture, tinyTrace } from './cli-helpers.js';
import { tempDir } from '../../support/temp-dir.js';

const CHROMIUM = '/usr/bin/chromium';

/** Chromium's path, installing it when this machine can; otherwise why not. */
function findChromium(): { path: string } | { skip: string } {
  if (existsSync(CHROMIUM)) return { path: CHROMIUM };
  const root = process.getuid?.() === 0;
  if (root && spawnSync('which', ['apt-get']).status === 0) {
    spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', timeout: 600_000 });
    if (existsSync(CHROMIUM)) return { path: CHROMIUM };
    return { skip: `chromium is not installed and 'apt-get install -y chromium' failed here (no package source?); .ci/run installs it` };
  }
  return { skip: `chromium is not installed at ${CHROMIUM} and this user cannot install it (not root, or no apt-get); run 'apt-get install -y chromium'` };
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the bench report in headless chromium', () => {
  const found = findChromium();
  const profile = tempDir({ after }, 'burstguard-chromium-');

  it('renders every chart, keeps every label inside its chart, and shows every disrupted session', { skip: 'skip' in found ? found.skip : false }, async (t) => {
    const dir = tempDir(t);
    const report = join(dir, 'report.html');
    const outcomes: ReplayOutcome[] = [];
    const recording = async (input: ReplayInput): Promise<ReplayOutcome> => {
      const o = await replay(input);
      outcomes.push(o);
      return o;
    };
    const c = capture();
    assert.equal(await runBenchCommand(['--trace', tinyTrace(dir), '--policies', 'static,predictive,oracle', '--report', report], c.io, recording), 0, c.err());
    const disrupted = new Set(outcomes.flatMap((o) => o.timeline.filter((p) => p.event === 'oom' || p.event === 'evicted').map((p) => p.session)));
    assert.ok(disrupted.size > 0, 'the tiny trace has disruptions to show');

    const context = await chromium.launchPersistentContext(profile, { executablePath: (found as { path: string }).path, headless: true, args: FLAGS });
    try {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(pathToFileURL(report).href);
      // Evaluated in the page (a string, so this file needs no DOM typings).
      const charts = await page.evaluate<Array<{ title: string; width: number; height: number; marks: number; texts: Array<{ text: string; left: number; right: number; top: number; bottom: number }> }>>(`[...document.querySelectorAll('svg')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = svg.querySelectorAll('path, circle, rect, polyline, line').length;
        const texts = [...svg.querySelectorAll('text')].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent || '', left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top };
        });
        return { title: svg.getAttribute('aria-label') || (svg.querySelector('title') || {}).textContent || '', width: box.width, height: box.height, marks, texts };
      })`);
      assert.ok(charts.length >= 10, `${charts.length} charts`);
      for (const chart of charts) {
        assert.ok(chart.width > 0 && chart.height > 0 && chart.marks > 0, `chart '${chart.title}' renders`);
        for (const t of chart.texts) {
          const inside = t.left >= -1 && t.top >= -1 && t.right <= chart.width + 1 && t.bottom <= chart.height + 1;
          assert.ok(inside, `label '${t.text}' of chart '${chart.title}' stays inside it (${JSON.stringify(t)} in ${chart.width}×${chart.height})`);
        }
      }
      const body = await page.evaluate<string>('document.body.innerText');
      for (const s of disrupted) assert.ok(body.includes(`session ${s}`), `disrupted session ${s} appears`);
    } finally {
      await context.close();
    }
  });
});
