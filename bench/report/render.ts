import type { EngineConfig } from '../../src/engine/engine-config.js';
import type { ReplayOutcome, SimSettings, TimelinePoint } from '../replay/replay-types.js';
import type { OracleGap } from '../score/result-json.js';
import type { BenchResult, ResizePolicyRow } from '../score/result-types.js';
import type { TraceRun } from '../replay/run-bench.js';
import { cdfChart, histogramChart, metricBars, paretoChart, policyColor, slackVsOomChart, tickNumber, timelinePanel } from './charts.js';
import { signed } from '../score/table.js';
import { hintLines } from '../score/hint-lines.js';
import { esc } from './svg.js';
import { REPORT_CSS } from './style.js';
import { resultTableHtml } from './table-html.js';

export interface ReportContext {
  readonly seed: number;
  readonly warmupS: number;
  readonly sim: SimSettings;
  readonly engine: EngineConfig;
}

/** Sessions with timelines shown per trace. */
const SHOWN_SESSIONS = 3;
/** Example action reasons shown per policy. */
const SHOWN_REASONS = 8;

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** The one sentence a reader should take away: predictive against the reactive anchors and the oracle. */
function lead(rows: readonly ResizePolicyRow[], gap: OracleGap | undefined): string {
  const by = (n: string): ResizePolicyRow | undefined => rows.find((r) => r.policy === n);
  const p = by('predictive');
  const parts: string[] = [];
  if (p) {
    for (const other of ['vpa', 'static', 'reactive']) {
      const o = by(other);
      if (o) parts.push(`<b>${other}</b> ${o.oomKills} OOM kills at ${pct(o.memSlack)} slack`);
    }
    let s = `<b>predictive</b>: ${p.oomKills} OOM kills, ${p.evictions} evictions, memory slack ${pct(p.memSlack)}`;
    if (parts.length > 0) s += `; against ${parts.join(', ')}`;
    if (gap) s += `. Gap to the oracle: ${signed(gap.memSlack * 100, 1)} points of memory slack, ${signed(gap.oomKills, 0)} OOM kills, ${signed(gap.nodeHours, 2)} node-hours.`;
    return s;
  }
  return rows.map((r) => `<b>${esc(r.policy)}</b> ${r.oomKills} OOM kills at ${pct(r.memSlack)} slack`).join(', ');
}

/**
 * Picks the sessions worth looking at: those where some policy was killed first, then the largest
 * peaks, then by name (a stable order).
 */
function pickSessions(outcomes: ReadonlyArray<{ readonly outcome: ReplayOutcome }>): string[] {
  const score = new Map<string, { kills: number; peak: number }>();
  for (const { outcome } of outcomes) {
    for (const p of outcome.timeline) {
      const s = score.get(p.session) ?? { kills: 0, peak: 0 };
      if (p.event === 'oom' || p.event === 'evicted') s.kills += 1;
      if (p.memUsed > s.peak) s.peak = p.memUsed;
      score.set(p.session, s);
    }
  }
  // Every session with a kill or an eviction under any policy, then the largest peaks up to the quota.
  const ranked = [...score.entries()].sort(([a, x], [b, y]) => y.kills - x.kills || y.peak - x.peak || (a < b ? -1 : 1));
  const disrupted = ranked.filter(([, x]) => x.kills > 0).length;
  return ranked.slice(0, Math.max(disrupted, SHOWN_SESSIONS)).map(([s]) => s);
}

function timelines(run: TraceRun): string {
  const sessions = pickSessions(run.outcomes);
  if (sessions.length === 0) return '<p class="note">No session timelines were kept for this replay.</p>';
  const blocks = sessions.map((session) => {
    const per = run.outcomes.map(({ policy, outcome }) => ({ policy, pts: outcome.timeline.filter((p) => p.session === session) }));
    const all: TimelinePoint[] = per.flatMap((x) => x.pts);
    const scale = {
      memMaxBytes: Math.max(...all.map((p) => Math.max(p.memUsed, p.memLimit, p.memRequest)), 64 * MiB) * 1.08,
      cpuMaxCores: Math.max(...all.map((p) => Math.max(p.cpuUsed, p.cpuLimit)), 0.1) * 1.05,
    };
    const span: [number, number] = [Math.min(...all.map((p) => p.tS)), Math.max(...all.map((p) => p.tS))];
    const panels = per.map((x, i) => `<div class="card">${timelinePanel(x.pts, x.policy, policyColor(x.policy, i), scale, span)}</div>`).join('');
    const peak = Math.max(...all.map((p) => p.memUsed));
    return `<div class="session-title">session ${esc(session)} · peak usage ${(peak / GiB).toFixed(2)} GiB · ${((span[1] - span[0]) / 60).toFixed(0)} min</div><div class="timeline-row">${panels}</div>`;
  });
  const key =
    '<div class="key"><span class="k-usage">memory used</span><span class="k-limit">limit</span><span class="k-request">request</span><span class="k-oom">OOM kill / eviction</span><span>x: minutes into the session; top: memory in GiB, bottom: CPU cores</span></div>';
  return key + blocks.join('');
}

function distributions(run: TraceRun): string {
  const slack = run.outcomes.map(({ policy, outcome }) => ({ policy, values: outcome.perSession.map((s) => s.memSlack) }));
  const reference = run.outcomes.find((o) => o.policy === 'oracle') ?? run.outcomes[0];
  const peaks = (reference?.outcome.perSession ?? []).map((s) => s.peakMem / GiB);
  const cdf = cdfChart(slack, 'Per-session memory slack (CDF)', 'memory slack of the session', (v) => `${Math.round(v * 100)}%`, 1);
  const hist = histogramChart(peaks, 'Per-session peak memory', 'peak memory used (GiB)', tickNumber);
  return `<div class="row"><div class="card">${cdf}</div><div class="card">${hist}</div></div>
<p class="note">Left: the share of sessions (y) whose memory slack is at most x; a curve further left sizes tighter. Right: how far apart the sessions' peaks are, which is what a single static size has to cover.</p>`;
}

function reasons(run: TraceRun): string {
  return run.outcomes
    .map(({ policy, outcome }, i) => {
      const items = outcome.sampleActions
        .slice(0, SHOWN_REASONS)
        .map((a) => `<li><code>t=${Math.round(a.tS)}s ${esc(a.pod)}</code> ${esc(a.reason)}</li>`)
        .join('');
      const body = items.length > 0 ? `<ul class="reasons">${items}</ul>` : '<p class="note">No actions (this policy never resized).</p>';
      return `<details${policy === 'predictive' ? ' open' : ''}><summary><span class="swatch" style="background:${policyColor(policy, i)}"></span>${esc(policy)}: ${outcome.sampleActions.length} example action${outcome.sampleActions.length === 1 ? '' : 's'}</summary>${body}</details>`;
    })
    .join('');
}

/** `--hints`: each hinted row against its unhinted twin of the same run (the table's lines, as a list). */
function hintsBlock(result: BenchResult): string {
  const lines = hintLines(result);
  if (lines.length === 0) return '';
  return `<h3>Pre-tool hints: hinted vs unhinted</h3>\n<ul class="reasons">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>\n`;
}

function traceSection(run: TraceRun, result: BenchResult, index: number): string {
  const rows = result.policies as readonly ResizePolicyRow[];
  const t = result.trace;
  return `<section id="trace-${index}">
<h2>${esc(t.name)}</h2>
<p class="meta">${t.sessions} sessions · ${t.samples} samples · ${(t.podSeconds / 3600).toFixed(1)} pod-hours · source: ${esc(run.header.source)} · license: ${esc(run.header.license)} · file: ${esc(run.path)}</p>
<p class="lead">${lead(rows, result.gapToOracle as OracleGap | undefined)}</p>
${hintsBlock(result)}<div class="row"><div class="card">${paretoChart(rows, result.floorNodeHours ?? 0)}</div><div class="card">${slackVsOomChart(rows)}</div><div class="bars">${metricBars(rows).replace(/<svg /g, '<div class="card"><svg ').replace(/<\/svg>/g, '</svg></div>')}</div></div>
<h3>Memory against allocation, sample sessions</h3>
${timelines(run)}
<h3>Distributions</h3>
${distributions(run)}
<h3>Table</h3>
<div class="table-wrap">${resultTableHtml(rows)}</div>
<h3>Why the policies acted (examples)</h3>
${reasons(run)}
</section>`;
}

/**
 * With several traces, one grid first: a row per trace, a cell per policy with its kills and memory
 * slack, kills in red, so the whole bench reads at a glance before the per-trace sections.
 */
function overview(results: readonly BenchResult[]): string {
  const policies = [...new Set(results.flatMap((r) => r.policies.map((p) => p.policy)))];
  const head = `<tr><th>trace</th>${policies.map((p, i) => `<th><span class="swatch" style="background:${policyColor(p, i)}"></span>${esc(p)}</th>`).join('')}</tr>`;
  const body = results
    .map((r, k) => {
      const cells = policies.map((name) => {
        const row = r.policies.find((p) => p.policy === name) as ResizePolicyRow | undefined;
        if (!row) return '<td></td>';
        const kills = row.oomKills + row.evictions;
        return `<td class="${kills > 0 ? 'bad' : 'good'}">${kills} kill${kills === 1 ? '' : 's'} · ${pct(row.memSlack)} slack</td>`;
      });
      return `<tr><td><a href="#trace-${k}">${esc(r.trace.name)}</a></td>${cells.join('')}</tr>`;
    })
    .join('');
  return `<h3>Overview: OOM kills + evictions, and memory slack</h3><div class="table-wrap"><table class="overview">${head}${body}</table></div>`;
}

function settingsLine(ctx: ReportContext): string {
  const s = ctx.sim;
  return (
    `seed ${ctx.seed} · warm-up ${ctx.warmupS} s · tick ${ctx.engine.tickIntervalS} s · scrape every ${s.scrapeIntervalS} s, ${s.scrapeLagS} s lag · ` +
    `resize latency ${s.resizeLatencyS} s · node ${(s.nodeAllocatable.memBytes / GiB).toFixed(0)} GiB / ${s.nodeAllocatable.cpuCores} CPU allocatable · ` +
    `pods start at ${Math.round(s.initial.requests.memBytes / MiB)}Mi / ${s.initial.requests.cpuCores} CPU requested, ${Math.round(s.initial.limits.memBytes / MiB)}Mi / ${s.initial.limits.cpuCores} CPU limit · restartPolicy ${s.restartPolicy}`
  );
}

/**
 * The bench report: one self-contained HTML file (inline CSS and SVG, no script, no external asset),
 * one section per trace. Deterministic apart from the replay timings it prints.
 */
export function renderReport(runs: readonly TraceRun[], results: readonly BenchResult[], ctx: ReportContext): string {
  const sections = runs.map((run, i) => (results[i] ? traceSection(run, results[i], i) : '')).join('\n');
  const toc = results.length > 1 ? overview(results) : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>burstguard bench report</title><style>${REPORT_CSS}</style></head>
<body>
<h1>burstguard bench report</h1>
<p class="meta">${esc(settingsLine(ctx))}</p>
${toc}
<p class="note">Each policy replays the same trace through the same simulated cluster and the same engine tick; only the policy differs. Memory slack is the share of requested memory-time that went unused; an OOM kill restarts the session's work. The oracle knows the future and is the floor no causal policy can reach.</p>
${sections}
<footer>Generated by <code>burstguard bench</code>. Field definitions: docs/trace-format.md and the bench contract (BENCH.md).</footer>
</body></html>
`;
}
