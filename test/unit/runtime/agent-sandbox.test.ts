// The agent-sandbox step of a tick over in-memory fakes of its API slices: what it writes, when it
// writes nothing, and that it says each thing once (Events, warnings), not every tick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sandbox, Scale } from '../../../src/adapters/kube/agent-sandbox.js';
import type { HpaApi, SandboxApi, WarmPoolScaleApi } from '../../../src/adapters/kube/apis.js';
import type { OpenWindow } from '../../../src/adapters/kube/prewarm-plan.js';
import type { ClaimReader } from '../../../src/adapters/prometheus/claims.js';
import { parseConfigObject, type Config } from '../../../src/config/index.js';
import { err, ok } from '../../../src/core/result.js';
import type { PodView } from '../../../src/core/types.js';
import { AgentSandboxLoop } from '../../../src/runtime/agent-sandbox.js';
import type { HpaView } from '../../../src/adapters/kube/warm-pool-plan.js';
import { formatPoolMemory, parsePoolMemory } from '../../../src/adapters/kube/pool-memory-lease.js';
import { apiError, recordingLog } from '../kube/fixtures.js';

const GiB = 2 ** 30;

function config(over: Record<string, unknown> = {}, dryRun = false): Config {
  const r = parseConfigObject({
    engine: { dryRun },
    agentSandbox: { enabled: true, warmPools: [{ name: 'pool', agentClass: 'coder', maxPrewarmReplicas: 8 }], restoreAfterS: 5, ...over },
  });
  assert.ok(r.ok, JSON.stringify(r.ok ? '' : r.error));
  return r.value;
}

interface World {
  loop: AgentSandboxLoop;
  now: { ms: number };
  windows: OpenWindow[];
  hpas: HpaView[] | Error;
  replicas: { value: number; rv: number };
  scalePatches: object[];
  sandboxPatches: Array<{ name: string; ops: object[] }>;
  sandboxFail?: Error;
  /** Runs between burstguard's read and its patch (another writer). */
  interfere?: () => void;
  events: Array<{ kind: string; name: string; reason: string; message: string }>;
  counts: string[];
  log: ReturnType<typeof recordingLog>;
  cfg: { current: Config };
  sandboxes: Sandbox[];
  claims?: ClaimReader;
  /** The Lease annotation's text (the store's backing), and whether it can be read. */
  stored: { text: string; readable: boolean; saves: number };
}

function world(cfg: Config, stored = { text: '', readable: true, saves: 0 }): World {
  const w = {
    now: { ms: 1_000_000 }, windows: [], hpas: [], replicas: { value: 2, rv: 1 }, scalePatches: [], sandboxPatches: [],
    events: [], counts: [], log: recordingLog(), cfg: { current: cfg }, sandboxes: [], stored,
  } as unknown as World;
  const scale: WarmPoolScaleApi = {
    read: (): Promise<Scale> => Promise.resolve({ metadata: { resourceVersion: String(w.replicas.rv) }, spec: { replicas: w.replicas.value } }),
    patch: (_ns, _name, body): Promise<Scale> => {
      w.scalePatches.push(body);
      w.interfere?.();
      const b = body as { metadata?: { resourceVersion?: string }; spec: { replicas: number } };
      if (b.metadata?.resourceVersion !== String(w.replicas.rv)) return Promise.reject(apiError(409, 'conflict'));
      w.replicas = { value: b.spec.replicas, rv: w.replicas.rv + 1 };
      return Promise.resolve({ spec: { replicas: w.replicas.value } });
    },
  };
  const sandboxApi: SandboxApi = {
    patchJson: (_ns, name, ops) => {
      w.sandboxPatches.push({ name, ops });
      return w.sandboxFail ? Promise.reject(w.sandboxFail) : Promise.resolve({});
    },
  };
  const hpas: HpaApi = { list: () => (w.hpas instanceof Error ? Promise.reject(w.hpas) : Promise.resolve(w.hpas)) };
  w.loop = new AgentSandboxLoop({
    namespace: 'agents',
    config: () => w.cfg.current,
    clock: { now: () => w.now.ms },
    log: w.log,
    scale,
    sandboxApi,
    hpas,
    memoryStore: {
      load: () => Promise.resolve(w.stored.readable ? ok(parsePoolMemory(w.stored.text)) : err('Lease burstguard-agent-sandbox: HTTP 503: unavailable')),
      save: (m) => {
        w.stored.text = formatPoolMemory(m);
        w.stored.saves++;
        return Promise.resolve(ok(undefined));
      },
    },
    sandboxes: () => ok(w.sandboxes),
    events: { record: (t, e) => (w.events.push({ kind: t.kind, name: t.name, reason: e.reason, message: e.message }), Promise.resolve()) },
    windows: () => w.windows,
    claims: () => w.claims,
    count: (kind, outcome) => void w.counts.push(`${kind}:${outcome}`),
  });
  return w;
}

const win: OpenWindow = { window: { name: 'burst', agentClass: 'coder', minReplicas: 5 }, endMs: 2_000_000 };
const step = (w: World, pods: PodView[] = []): Promise<void> => w.loop.step(pods, w.cfg.current.engine.dryRun, AbortSignal.timeout(5000));

test('raises through the scale subresource with the read resourceVersion, then restores the user value', async () => {
  const w = world(config());
  w.windows = [win];
  await step(w);
  assert.deepEqual(w.scalePatches, [{ metadata: { resourceVersion: '1' }, spec: { replicas: 5 } }]);
  assert.equal(w.replicas.value, 5);
  await step(w);
  assert.equal(w.scalePatches.length, 1, 'level-triggered: nothing more while there');
  w.windows = [];
  w.now.ms += 2000;
  await step(w);
  assert.equal(w.replicas.value, 5, 'held for restoreAfterS');
  w.now.ms += 5000;
  await step(w);
  assert.equal(w.replicas.value, 2);
  assert.deepEqual(w.events.map((e) => [e.kind, e.reason]), [['SandboxWarmPool', 'BurstguardScaled'], ['SandboxWarmPool', 'BurstguardScaled']]);
  assert.match(w.events[1]!.message, /spec.replicas 5 → 2 by prewarm: restore the user's spec.replicas 2/);
  assert.deepEqual(w.counts, ['warm-pool:applied', 'warm-pool:applied']);
});

test('an HPA on the pool: nothing written, one Event and one log line however many ticks', async () => {
  const w = world(config());
  w.windows = [win];
  w.hpas = [{ name: 'h', target: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'pool' } }];
  await step(w);
  await step(w);
  assert.deepEqual(w.scalePatches, []);
  assert.deepEqual(w.events.map((e) => e.reason), ['BurstguardHPAOwnsReplicas']);
  assert.equal(w.log.lines.filter((l) => l === 'SandboxWarmPool left alone').length, 1);
  // The HPA goes: the pool is pre-warmed; it comes back: said again.
  w.hpas = [];
  await step(w);
  assert.equal(w.replicas.value, 5);
  w.hpas = [{ name: 'h', target: { kind: 'SandboxWarmPool', name: 'pool' } }];
  await step(w);
  assert.equal(w.events.filter((e) => e.reason === 'BurstguardHPAOwnsReplicas').length, 2);
});

test('HPAs cannot be listed: no pool is written that tick', async () => {
  const w = world(config());
  w.windows = [win];
  w.hpas = apiError(403, 'forbidden');
  await step(w);
  await step(w);
  assert.deepEqual(w.scalePatches, []);
  assert.equal(w.log.lines.filter((l) => /cannot list HorizontalPodAutoscalers/.test(l)).length, 1, 'warned once, not per tick');
});

test('dry-run: nothing written, one BurstguardDryRun Event per change, each tick counted', async () => {
  const w = world(config({}, true));
  w.windows = [win];
  await step(w);
  await step(w);
  assert.deepEqual(w.scalePatches, []);
  assert.deepEqual(w.events.map((e) => e.reason), ['BurstguardDryRun']);
  assert.match(w.events[0]!.message, /would set spec.replicas 2 → 5/);
  assert.deepEqual(w.counts, ['warm-pool:dry-run', 'warm-pool:dry-run']);
});

test('a 409 (the pool moved since the read) is no Event: the next tick plans again', async () => {
  const w = world(config());
  w.windows = [win];
  w.interfere = () => {
    w.replicas = { value: 3, rv: w.replicas.rv + 10 };
  };
  await step(w);
  assert.equal(w.scalePatches.length, 1);
  assert.deepEqual(w.events, []);
  assert.deepEqual(w.counts, ['warm-pool:error:409']);
});

function sandboxPod(): PodView {
  return {
    ref: { namespace: 'agents', name: 'sb' }, key: 'agents/sb', agentClass: 'coder', container: 'agent', qos: 'Burstable',
    requests: { memBytes: GiB, cpuCores: 0.5 }, limits: { memBytes: 2 * GiB, cpuCores: 2 },
    actualRequests: { memBytes: GiB, cpuCores: 0.5 }, actualLimits: { memBytes: 2 * GiB, cpuCores: 2 },
    resize: { phase: 'none' }, running: true, startedAtMs: 0, restarts: 0,
    owner: { apiVersion: 'agents.x-k8s.io/v1beta1', kind: 'Sandbox', name: 'sb', uid: 'u' },
  };
}

const sb = (rv: string): Sandbox => ({
  metadata: { name: 'sb', namespace: 'agents', uid: 'u', resourceVersion: rv },
  spec: { podTemplate: { spec: { containers: [{ name: 'agent', resources: { requests: { memory: '512Mi' }, limits: { memory: '1Gi' } } }] } } },
});

test('write-back: once per template version; a failed test op is no Event; counted either way', async () => {
  const w = world(config({ warmPools: [] }));
  w.sandboxes = [sb('7')];
  await step(w, [sandboxPod()]);
  await step(w, [sandboxPod()]);
  assert.equal(w.sandboxPatches.length, 1, 'the cache still shows resourceVersion 7: not written twice');
  assert.deepEqual(w.events.map((e) => [e.kind, e.reason]), [['Sandbox', 'BurstguardSandboxTemplateUpdated']]);
  w.sandboxes = [sb('9')];
  w.sandboxFail = apiError(422, 'the server rejected our request: testing value /spec/podTemplate/spec/containers/0/resources failed');
  await step(w, [sandboxPod()]);
  assert.equal(w.sandboxPatches.length, 2);
  assert.equal(w.events.length, 1);
  assert.deepEqual(w.counts, ['sandbox-template:applied', 'sandbox-template:error:422']);
});

test('claim metrics unreadable: warned once, not per tick; readable again: said once', async () => {
  const w = world(config());
  let fail = true;
  w.claims = {
    query: () => 'q',
    close: () => undefined,
    read: () => Promise.resolve(fail ? err('connection refused') : ok(new Map([['pool', 3]]))),
  };
  await step(w);
  await step(w);
  assert.equal(w.log.lines.filter((l) => /claim metrics unreadable/.test(l)).length, 1);
  fail = false;
  await step(w);
  assert.equal(w.log.lines.filter((l) => l === 'claim metrics readable again').length, 1);
});

test('agentSandbox off: nothing is read or written', async () => {
  const off = parseConfigObject({});
  assert.ok(off.ok);
  const w = world(off.value);
  w.windows = [win];
  w.hpas = apiError(500, 'must not be called');
  await step(w, [sandboxPod()]);
  assert.deepEqual([w.scalePatches, w.sandboxPatches, w.events, w.log.lines], [[], [], [], []]);
});

test('the user value survives a leader change: saved to the Lease on the raise, restored by the next leader', async () => {
  const first = world(config());
  first.windows = [win];
  await step(first);
  assert.equal(first.replicas.value, 5);
  assert.deepEqual([...parsePoolMemory(first.stored.text)], [['pool', { original: 2, written: 5 }]]);
  // A new leader (fresh process) on the same cluster: the pool at 5, the window gone.
  const next = world(config(), first.stored);
  next.replicas = first.replicas;
  await step(next);
  assert.equal(next.replicas.value, 2, 'restored to the user value, not to the raised one');
  assert.equal(next.stored.text, '{}');
  const saves = next.stored.saves;
  await step(next);
  assert.equal(next.stored.saves, saves, 'an unchanged memory is not written again');
});

test('the remembered values cannot be read: no pool is written until they can; a lost leadership reloads them', async () => {
  const w = world(config(), { text: '', readable: false, saves: 0 });
  w.windows = [win];
  await step(w);
  await step(w);
  assert.deepEqual(w.scalePatches, []);
  assert.equal(w.log.lines.filter((l) => /cannot read the remembered warm-pool values/.test(l)).length, 1);
  w.stored.readable = true;
  await step(w);
  assert.equal(w.replicas.value, 5);
  // Another leader restored the pool and cleared the Lease meanwhile; this one leads again and reloads.
  w.loop.invalidate();
  w.stored.text = '{}';
  w.replicas = { value: 2, rv: 50 };
  w.windows = [];
  await step(w);
  assert.equal(w.replicas.value, 2);
  assert.equal(w.scalePatches.length, 1, 'the old memory (written 5) is not acted on');
});
