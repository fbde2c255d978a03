// `npm run bench:actuation`: one tick's resizes at 1,000 pods against a real kube-apiserver and etcd
// (the e2e tier's control plane, test/e2e/harness), sent through the controller's own actuator
// (KubeActuator → ResizeActuator → pods/resize, Events through the EventRecorder) with the tick's
// bounded concurrency. Reports the wall time of the tick's resizes and the API writes per second,
// with Event coalescing (series + per-tick budget) and without (one Event per action). Prints figures;
// asserts nothing (test/e2e/actuation-bench.test.ts checks the building blocks at 20 pods).
//
//   npm run bench:actuation -- [--pods 1000] [--concurrency 16] [--json FILE|-]
//
// Needs kube-apiserver and etcd: KUBEBUILDER_ASSETS, or built into the cache by
// tools/build-control-plane.sh (run here when the variable is unset). Every process started is stopped
// by its PID, also on failure or Ctrl-C (harness/proc.ts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import { DEFAULT_COALESCE, type CoalesceOptions } from '../../src/adapters/kube/event-series.js';
import { actuationStack, createRunningPods, raiseAll, sendTick, type TickFigures } from '../../test/e2e/harness/actuation-bench.js';
import { startControlPlane } from '../../test/e2e/harness/control-plane.js';
import { adminKubeConfig, clients, createNamespace, type Clients } from '../../test/e2e/harness/kube.js';
import { createNode } from '../../test/e2e/harness/kubelet.js';
import { Gi, Mi } from '../../test/e2e/harness/quantities.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, json: { type: 'string' } } });
const PODS = Number(values.pods);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(PODS) || PODS < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('bench:actuation: --pods and --concurrency must be positive integers');
  process.exit(2);
}
const BASE = { requests: { memBytes: 512 * Mi, cpuCores: 0.25 }, limits: { memBytes: 1 * Gi, cpuCores: 1 } };

/** KUBEBUILDER_ASSETS, else the e2e tier's build (cached after the first time). */
function ensureAssets(): void {
  if (process.env.KUBEBUILDER_ASSETS) return;
  const root = new URL('../../', import.meta.url).pathname;
  const out = execFileSync('bash', [`${root}tools/build-control-plane.sh`], { env: { ...process.env, BUILD_NODE: '0', BUILD_HELM: '0' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.env.KUBEBUILDER_ASSETS = out.trim().split('\n').at(-1);
}

interface Run {
  readonly coalescing: boolean;
  readonly setupSeconds: number;
  readonly ticks: readonly TickFigures[];
}

/** Refreshes `cache` to the namespace's pods: the informer's view the next tick's actuator reads. */
async function refresh(admin: Clients, ns: string, cache: Map<string, k8s.V1Pod>): Promise<void> {
  const list = await admin.core.listNamespacedPod({ namespace: ns });
  cache.clear();
  for (const p of list.items) cache.set(`${ns}/${p.metadata!.name!}`, p);
}

/**
 * Fresh pods in a fresh namespace, then two ticks through one actuator and one Event recorder (which
 * lives across ticks, as in the controller): every pod raised once, then raised again, so the second
 * tick's Events are repeats.
 */
async function run(admin: Clients, coalesce: CoalesceOptions | false): Promise<Run> {
  const ns = await createNamespace(admin.core, coalesce === false ? 'act-plain' : 'act-coalesced');
  const t0 = performance.now();
  const pods = await createRunningPods(admin.core, ns, PODS, { concurrency: 32, ...BASE });
  const setupSeconds = (performance.now() - t0) / 1000;
  const cache = new Map<string, k8s.V1Pod>();
  const stack = actuationStack(admin.kc, { cache, coalesce, summaryTarget: { namespace: ns, name: 'burstguard' } });
  const ticks: TickFigures[] = [];
  for (const factor of [1.25, 1.5]) {
    await refresh(admin, ns, cache);
    ticks.push(await sendTick(stack, raiseAll(pods, BASE, factor), CONCURRENCY));
  }
  return { coalescing: coalesce !== false, setupSeconds, ticks };
}

function line(r: Run, i: number): string {
  const t = r.ticks[i]!;
  return [
    `coalescing=${r.coalescing ? 'on' : 'off'}`,
    `tick=${i + 1}`,
    `pods=${PODS}`,
    `concurrency=${CONCURRENCY}`,
    `resizes_ok=${t.ok}`,
    `failed=${t.failed}`,
    `wall_ms=${t.wallMs.toFixed(0)}`,
    `api_writes=${t.writes}`,
    `resize_patches=${t.calls.resizePatches}`,
    `event_creates=${t.calls.eventCreates}`,
    `event_patches=${t.calls.eventPatches}`,
    `pod_reads=${t.calls.podReads}`,
    `writes_per_s=${t.writesPerSecond.toFixed(0)}`,
    `resizes_per_s=${(t.ok / (t.wallMs / 1000)).toFixed(0)}`,
  ].join(' ') + (t.failures.length > 0 ? `\n  first failures: ${t.failures.join(' | ')}` : '');
}

ensureAssets();
const cp = await startControlPlane();
try {
  const admin = clients(adminKubeConfig(cp));
  await createNode(admin.core, { memBytes: 4096 * Gi, cpuCores: 4096 });
  console.log(`actuation tick against kube-apiserver v1.36 (priority-and-fairness off, as in the e2e tier), node ${process.version}, ${PODS} pods, ${CONCURRENCY} in flight`);
  const runs: Run[] = [];
  for (const coalesce of [false, DEFAULT_COALESCE] as const) {
    const r = await run(admin, coalesce);
    runs.push(r);
    console.log(`setup: ${PODS} Running pods in ${r.setupSeconds.toFixed(1)} s`);
    for (const i of r.ticks.keys()) console.log(line(r, i));
  }
  if (values.json !== undefined) {
    const text = JSON.stringify({ pods: PODS, concurrency: CONCURRENCY, runs }, null, 2);
    if (values.json === '-') console.log(text);
    else writeFileSync(values.json, text);
  }
} finally {
  await cp.stop();
}
