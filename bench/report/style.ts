/** The report's stylesheet, inline so the file stands alone. */
export const REPORT_CSS = `
:root { --fg:#1c2833; --muted:#5d6d7e; --line:#d5dbdb; --bg:#fbfcfc; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px 64px; max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 4px; padding-top: 16px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 24px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p.meta, p.note { color: var(--muted); margin: 2px 0 8px; }
p.lead { font-size: 16px; margin: 10px 0 14px; max-width: 980px; }
.row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
.bars { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 8px; flex: 1; min-width: 600px; }
.timeline-row { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 8px; margin-bottom: 10px; }
.session-title { font-weight: 600; margin: 12px 0 4px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
.grid { stroke: #eaeded; stroke-width: 1; }
.axis, .tickmark { stroke: #909497; stroke-width: 1; }
.tick { font-size: 11px; fill: var(--muted); }
.label { font-size: 11px; fill: var(--muted); }
.band-label { font-size: 10px; fill: #909497; }
.hint { font-size: 11px; fill: #909497; font-style: italic; }
.chart-title { font-size: 13px; font-weight: 600; fill: var(--fg); }
.point-label { font-size: 12px; font-weight: 600; }
.value { font-size: 11px; fill: var(--fg); }
.usage-area { fill: #aab7b8; fill-opacity: .35; stroke: none; }
.usage { fill: none; stroke: #566573; stroke-width: 1.2; }
.request { fill: none; stroke-width: 1.4; stroke-dasharray: 4 3; }
.limit { fill: none; stroke-width: 1.8; }
.oom { fill: #c0392b; }
.evicted { fill: #d68910; }
.kill-line { stroke: #c0392b; stroke-width: 1; stroke-dasharray: 2 2; opacity: .6; }
.zero { stroke: #909497; stroke-dasharray: 3 3; }
.cdf { fill: none; stroke-width: 2; }
.bar { fill: #5dade2; }
.key { display: flex; gap: 18px; color: var(--muted); font-size: 12px; margin: 4px 0 8px; flex-wrap: wrap; }
.key span::before { content: ""; display: inline-block; width: 22px; height: 0; vertical-align: middle; margin-right: 6px; }
.key .k-usage::before { height: 10px; background: #aab7b8; opacity: .6; border-top: 1.5px solid #566573; }
.key .k-limit::before { border-top: 2px solid #2471a3; }
.key .k-request::before { border-top: 2px dashed #2471a3; }
.key .k-oom::before { width: 0; height: 0; border-left: 6px solid transparent; border-right: 6px solid transparent; border-top: 9px solid #c0392b; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; background: #fff; }
th, td { padding: 4px 7px; font-size: 12.5px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { font-size: 11.5px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); white-space: normal; vertical-align: bottom; min-width: 52px; }
td:first-child, th:first-child { text-align: left; }
table.overview td.bad { color: #922b21; background: #fdedec; }
table.overview td.good { color: #1d6f42; }
table.overview td, table.overview th { text-align: center; }
table.overview td:first-child, table.overview th:first-child { text-align: left; }
a { color: inherit; }
td.best { font-weight: 700; background: #eafaf1; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.table-wrap { overflow-x: auto; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
ul.reasons { margin: 6px 0; padding-left: 18px; font-size: 13px; }
ul.reasons code { font-size: 12px; color: var(--muted); }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
`;
