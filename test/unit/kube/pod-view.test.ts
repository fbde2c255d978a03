import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeClusterView } from '../../../src/adapters/kube/pod-view.js';
import type { ScaledObject } from '../../../src/adapters/kube/scaled-object-view.js';
import { SyncedCache, type InformerLike, type Schedule } from '../../../src/adapters/kube/synced-cache.js';
import { makeScaledObject } from './fake-so-api.js';
import { makePod, silentLog } from './fixtures.js';

/** An informer whose start() succeeds or fails as the test says, and which can fail later like a dropped watch. */
class FakeInformer<T> implements InformerLike<T> {
  items: T[] = [];
  starts = 0;
  failNextStarts = 0;
  private onError: Array<(e?: unknown) => void> = [];
  on(_verb: 'error', cb: (e?: unknown) => void): void {
    this.onError.push(cb);
  }
  start(): Promise<void> {
    this.starts += 1;
    if (this.failNextStarts > 0) {
      this.failNextStarts -= 1;
      this.fail(new Error('connect ECONNREFUSED'));
    }
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  list(): ReadonlyArray<T> {
    return this.items;
  }
  get(name: string): T | undefined {
    return this.items.find((x) => (x as { metadata?: { name?: string } }).metadata?.name === name);
  }
  fail(e: Error): void {
    for (const cb of this.onError) cb(e);
  }
}

/** A manual timer queue: the test decides when back-offs elapse, and sees their lengths. */
function manualSchedule(): { schedule: Schedule; delays: number[]; fire: () => Promise<void> } {
  const queue: Array<() => void> = [];
  const delays: number[] = [];
  return {
    delays,
    schedule: (fn, ms) => {
      queue.push(fn);
      delays.push(ms);
      return () => {
        const i = queue.indexOf(fn);
        if (i >= 0) queue.splice(i, 1);
      };
    },
    fire: async () => {
      const fn = queue.shift();
      fn?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

test('the cache is a SourceError until synced, restarts after a doubling back-off, and recovers', async () => {
  const inf = new FakeInformer<V1Pod>();
  inf.items = [makePod()];
  inf.failNextStarts = 2;
  const timers = manualSchedule();
  const cache = new SyncedCache(inf, { name: 'pods', log: silentLog, schedule: timers.schedule, backoffMs: { initial: 100, max: 1000 } });
  assert.ok(!cache.items().ok, 'not started');
  await cache.start();
  const first = cache.items();
  assert.ok(!first.ok && first.error.source === 'pods' && /ECONNREFUSED/.test(first.error.message));
  await timers.fire();
  assert.ok(!cache.items().ok);
  await timers.fire();
  assert.ok(cache.items().ok, 'third start succeeds');
  assert.deepEqual(timers.delays, [100, 200]);
  assert.equal(inf.starts, 3);

  // A watch dropped later (API server restart): untrusted again until the restart, back-off reset.
  inf.fail(new Error('socket hang up'));
  assert.ok(!cache.items().ok);
  await timers.fire();
  assert.ok(cache.items().ok);
  assert.deepEqual(timers.delays, [100, 200, 100]);

  assert.equal(cache.get('agent-0', 'agents')?.metadata?.name, 'agent-0');
  await cache.stop();
  assert.ok(!cache.items().ok);
  assert.equal(cache.get('agent-0', 'agents'), undefined, 'no reads from an untrusted cache');
  inf.fail(new Error('after stop'));
  assert.equal(timers.delays.length, 3, 'no restart after stop');
});

function synced<T>(items: T[]): { items: () => { ok: true; value: readonly T[] } } {
  return { items: () => ({ ok: true, value: items }) };
}

test('the cluster view maps cached pods and ScaledObjects of the namespace, leaving out pods it must not touch', async () => {
  const gone = makePod({ name: 'gone' });
  gone.metadata!.deletionTimestamp = new Date();
  const other = makePod({ name: 'elsewhere', namespace: 'other' });
  const view = new KubeClusterView(
    { pods: synced([makePod(), gone, other]), scaledObjects: synced<ScaledObject>([makeScaledObject(1, 10)]) },
    () => ({ agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default' }),
    silentLog,
  );
  const snap = await view.snapshot('agents');
  assert.ok(snap.ok);
  assert.deepEqual(snap.value.pods.map((p) => p.key), ['agents/agent-0']);
  assert.deepEqual(snap.value.scaledObjects.map((s) => [s.ref.name, s.minReplicas, s.maxReplicas, s.agentClass]), [['coder', 1, 10, 'coder']]);
  assert.deepEqual(view.skipped(), [{ pod: 'agents/gone', reason: 'pod is terminating' }]);
});

test('configured ScaledObjects take their agentClass from the config; unconfigured ones are left out', async () => {
  const unlabelled = makeScaledObject(1, 10);
  const labels = { ...unlabelled.metadata!.labels };
  delete labels['burstguard.io/agent-class'];
  const other = makeScaledObject(2, 4);
  const view = new KubeClusterView(
    {
      pods: synced([makePod()]),
      scaledObjects: synced<ScaledObject>([{ ...unlabelled, metadata: { ...unlabelled.metadata, labels } }, { ...other, metadata: { ...other.metadata, name: 'not-mine' } }]),
    },
    () => ({
      agentClassLabel: 'burstguard.io/agent-class',
      defaultAgentClass: 'default',
      scaledObjectClasses: new Map([['coder', 'researcher']]),
      scaledObjectPrewarmCaps: new Map([['coder', 6]]),
    }),
    silentLog,
  );
  const snap = await view.snapshot('agents');
  assert.ok(snap.ok);
  assert.deepEqual(snap.value.scaledObjects.map((s) => [s.ref.name, s.agentClass, s.prewarmCap]), [['coder', 'researcher', 6]]);
});

test('the cluster view holds (SourceError) when either cache is not synced', async () => {
  const notSynced = { items: () => ({ ok: false as const, error: { source: 'scaledobjects', message: 'informer not synced' } }) };
  const opts = () => ({ agentClassLabel: 'a', defaultAgentClass: 'd' });
  const a = await new KubeClusterView({ pods: notSynced }, opts, silentLog).snapshot('agents');
  assert.ok(!a.ok);
  const b = await new KubeClusterView({ pods: synced([makePod()]), scaledObjects: notSynced }, opts, silentLog).snapshot('agents');
  assert.ok(!b.ok && b.error.source === 'scaledobjects');
  const c = await new KubeClusterView({ pods: synced([makePod()]) }, opts, silentLog).snapshot('agents');
  assert.ok(c.ok && c.value.scaledObjects.length === 0, 'no KEDA: no ScaledObjects, pods still served');
});

test('conversions are reused for unchanged objects and redone for new objects or new options', async () => {
  const pods = [makePod()];
  let label = 'burstguard.io/agent-class';
  const view = new KubeClusterView({ pods: synced(pods) }, () => ({ agentClassLabel: label, defaultAgentClass: 'default' }), silentLog);
  const a = await view.snapshot('agents');
  const b = await view.snapshot('agents');
  assert.ok(a.ok && b.ok);
  assert.equal(a.value.pods[0], b.value.pods[0], 'same object, same view');
  const replaced = makePod();
  replaced.spec!.containers[0]!.resources!.limits = { cpu: '2', memory: '2Gi' };
  pods[0] = replaced;
  const c = await view.snapshot('agents');
  assert.ok(c.ok && c.value.pods[0]!.limits.cpuCores === 2, 'a watch update (new object) is seen');
  label = 'team';
  const d = await view.snapshot('agents');
  assert.ok(d.ok && d.value.pods[0]!.agentClass === 'default', 'a reloaded agent-class label applies at once');
});

test('a kubelet verdict (Deferred, Infeasible, Error) is reported once, when it appears', async () => {
  const p = makePod();
  const pods = [p];
  const seen: string[] = [];
  const view = new KubeClusterView(
    { pods: synced(pods) },
    () => ({ agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default' }),
    silentLog,
    (pod) => seen.push(`${pod.ref.name}:${pod.resize.phase}`),
  );
  await view.snapshot('agents');
  const deferred = makePod();
  deferred.status!.conditions = [{ type: 'PodResizePending', status: 'True', reason: 'Deferred', message: 'no room' }];
  pods[0] = deferred;
  await view.snapshot('agents');
  await view.snapshot('agents');
  const infeasible = makePod();
  infeasible.status!.conditions = [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible', message: 'too big' }];
  pods[0] = infeasible;
  await view.snapshot('agents');
  pods[0] = makePod();
  await view.snapshot('agents');
  pods[0] = deferred;
  await view.snapshot('agents');
  assert.deepEqual(seen, ['agent-0:deferred', 'agent-0:infeasible', 'agent-0:deferred']);
});
