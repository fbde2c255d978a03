import { parseArgs } from 'node:util';
import { commandLine } from '../../bench/record/importers/run-build.js';
import { runRecord } from '../../bench/record/prometheus/run-record.js';
import { parseDurationS, resolveWindow } from '../../bench/record/prometheus/window.js';
import { defaultConfig, loadConfigFile, type PrometheusConfig } from '../config/index.js';
import type { CliIo } from './io.js';

const help = `Usage: burstguard trace record --prometheus URL --namespace NS (--since D | --from T --to T) --out FILE [options]

Records a namespace's agent pods from Prometheus into a trace v1 file (.jsonl or .jsonl.gz): memory and
CPU per pod from cAdvisor (real containers summed; the pause container and the pod-level cgroup left
out), and the agent series the controller reads (context tokens, tools in flight, tool calls, errors,
retries; burstguard_agent_* or OpenTelemetry GenAI names), one sample per pod and step.

  --prometheus URL          Prometheus base URL (default: the --config's prometheus.url)
  --namespace NS            namespace of the agent pods                               required
  --since D                 the last D (24h, 90m, 7d), or:
  --from T --to T           RFC 3339 times or epoch seconds
  --out FILE                output trace (.jsonl.gz for gzip)                         required
  --step D                  sample interval (default 15s)
  --chunk D                 time per range query (default 1h)
  --resume                  go on after the last complete chunk of an interrupted recording of FILE
  --config FILE             burstguard ConfigMap: its prometheus section (auth, labels, metric names, queries)
  --bearer-token-file FILE  Authorization: Bearer token file (overrides the config's)
  --ca-file FILE            PEM CA bundle for https
  --insecure-skip-verify    skip TLS verification (testing only)
  --timeout D               per-query timeout (default 10s)
  --metric-names N          cadvisor | otel-genai: names of the agent series
  --agent-class NAME        agentClass written on every sample (default: none, i.e. 'default')
`;

const options = {
  prometheus: { type: 'string' },
  namespace: { type: 'string' },
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  step: { type: 'string' },
  chunk: { type: 'string' },
  resume: { type: 'boolean' },
  config: { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'ca-file': { type: 'string' },
  'insecure-skip-verify': { type: 'boolean' },
  timeout: { type: 'string' },
  'metric-names': { type: 'string' },
  'agent-class': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** The prometheus section: the config's (or the defaults), with the flags on top. */
async function prometheusConfig(v: Values): Promise<PrometheusConfig | string> {
  const base = v.config !== undefined ? await loadConfigFile(v.config) : { ok: true as const, value: defaultConfig() };
  if (!base.ok) return `config: ${base.error}`;
  const p = base.value.prometheus;
  const timeoutS = v.timeout !== undefined ? parseDurationS(v.timeout) : p.timeoutMs / 1000;
  if (timeoutS === undefined) return `--timeout expects a duration (10s, 1m), got '${v.timeout ?? ''}'`;
  const names = v['metric-names'] ?? p.metricNames;
  if (names !== 'cadvisor' && names !== 'otel-genai') return `--metric-names expects cadvisor or otel-genai, got '${names}'`;
  const url = v.prometheus ?? (v.config !== undefined ? p.url : undefined);
  if (url === undefined) return 'need --prometheus URL (or a --config whose prometheus.url names it)';
  if (!/^https?:\/\/[^/]/.test(url)) return `--prometheus expects an http:// or https:// URL, got '${url}'`;
  return {
    ...p,
    url,
    timeoutMs: Math.round(timeoutS * 1000),
    metricNames: names,
    bearerTokenFile: v['bearer-token-file'] ?? p.bearerTokenFile,
    caFile: v['ca-file'] ?? p.caFile,
    insecureSkipVerify: v['insecure-skip-verify'] ?? p.insecureSkipVerify,
  };
}

function bad(io: CliIo, m: string): number {
  io.stderr.write(`burstguard trace record: ${m}\n\n${help}`);
  return 2;
}

/** `burstguard trace record ...` (see help). Exit 0 written, 2 bad flags, 1 Prometheus or file failure. */
export async function traceRecordCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let v: Values;
  try {
    ({ values: v } = parseArgs({ args: [...argv], allowPositionals: false, strict: true, options }));
  } catch (e) {
    return bad(io, e instanceof Error ? e.message : String(e));
  }
  if (v.help === true) {
    io.stdout.write(help);
    return 0;
  }
  if (v.namespace === undefined || v.namespace === '') return bad(io, 'need --namespace NS');
  if (v.out === undefined || v.out === '') return bad(io, 'need --out FILE');
  const prometheus = await prometheusConfig(v);
  if (typeof prometheus === 'string') return bad(io, prometheus);
  const window = v.resume === true && v.since === undefined && v.from === undefined ? resolveWindow({ since: '1h', step: v.step }, Date.now() / 1000) : resolveWindow(v, Date.now() / 1000);
  if (!window.ok) return bad(io, window.error);
  const chunkS = parseDurationS(v.chunk ?? '1h');
  if (chunkS === undefined) return bad(io, `--chunk expects a duration (1h, 30m), got '${v.chunk ?? ''}'`);
  return runRecord(
    {
      prometheus,
      namespace: v.namespace,
      window: window.value,
      chunkPoints: Math.min(10_000, Math.max(1, Math.floor(chunkS / window.value.stepS))),
      out: v.out,
      resume: v.resume === true,
      ...(v['agent-class'] !== undefined ? { agentClass: v['agent-class'] } : {}),
      generatedBy: commandLine('trace record', argv),
    },
    io,
  );
}
