// The node risk budget's C in a real cluster: the controller's Node informer fills each PodView's
// nodeAllocatable by spec.nodeName; without the node-read ClusterRole (403) the view has none, the
// warning is logged once, and the gauge is told once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { allocatableOf, NodeAllocatables } from '../../../src/adapters/kube/node-allocatable.js';
import { KubeClusterView } from '../../../src/adapters/kube/pod-view.js';
import { SyncedCache, type InformerLike, type Schedule } from '../../../src/adapters/kube/synced-cache.js';
import type { Logger } from '../../../src/engine/ports.js';
import { apiError, makePod, silentLog } from './fixtures.js';

/** A log that keeps each line as `level: message`. */
function leveledLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (_o: object, msg?: string): void => {
    lines.push(`${level}: ${msg ?? ''}`);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const Gi = 2 ** 30;

function node(name: string, cpu: string, memory: string): V1Node {
  return { metadata: { name }, status: { allocatable: { cpu, memory, pods: '110' } } };
}

/** A Node informer whose start() fails with the given error while `refuse` is set. */
class FakeNodeInformer implements InformerLike<V1Node> {
  items: V1Node[] = [];
  refuse: Error | undefined;
  private onError: Array<(e?: unknown) => void> = [];
  on(_verb: 'error', cb: (e?: unknown) => void): void {
    this.onError.push(cb);
  }
  start(): Promise<void> {
    if (this.refuse) for (const cb of this.onError) cb(this.refuse);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  list(): ReadonlyArray<V1Node> {
    return this.items;
  }
  get(name: string): V1Node | undefined {
    return this.items.find((n) => n.metadata?.name === name);
  }
}

function manualSchedule(): { schedule: Schedule; fire: () => Promise<void> } {
  const queue: Array<() => void> = [];
  return {
    schedule: (fn) => {
      queue.push(fn);
      return () => undefined;
    },
    fire: async () => {
      queue.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

const podsOn = (...nodes: Array<string | undefined>) => {
  const pods = nodes.map((n, i) => {
    const p = makePod({ name: `agent-${i}` });
    if (n === undefined) delete p.spec!.nodeName;
    else p.spec!.nodeName = n;
    return p;
  });
  return { items: () => ({ ok: true as const, value: pods }) };
};
const opts = () => ({ agentClassLabel: 'burstguard.io/agent-class', defaultAgentClass: 'default' });

test('allocatableOf reads status.allocatable cpu and memory; missing or zero is unknown', () => {
  assert.deepEqual(allocatableOf(node('n', '3800m', '7Gi')), { cpuCores: 3.8, memBytes: 7 * Gi });
  assert.equal(allocatableOf({ metadata: { name: 'n' } }), undefined);
  assert.equal(allocatableOf(node('n', '0', '7Gi')), undefined);
  assert.equal(allocatableOf(node('n', '4', 'lots')), undefined);
});

test('the cluster view fills each pod\'s nodeAllocatable from the node cache by spec.nodeName', async () => {
  const inf = new FakeNodeInformer();
  inf.items = [node('node-a', '4', '8Gi'), node('node-b', '8', '16Gi')];
  const cache = new SyncedCache(inf, { name: 'nodes', log: silentLog, quietFailures: true });
  await cache.start();
  const view = new KubeClusterView({ pods: podsOn('node-a', 'node-b', 'node-gone', undefined), nodes: new NodeAllocatables(cache, silentLog) }, opts, silentLog);
  const snap = await view.snapshot('agents');
  assert.ok(snap.ok);
  assert.deepEqual(
    snap.value.pods.map((p) => [p.key, p.nodeAllocatable]),
    [
      ['agents/agent-0', { cpuCores: 4, memBytes: 8 * Gi }],
      ['agents/agent-1', { cpuCores: 8, memBytes: 16 * Gi }],
      ['agents/agent-2', undefined],
      ['agents/agent-3', undefined],
    ],
  );
  // A quiet tick converts nothing anew: the same view objects come back.
  const again = await view.snapshot('agents');
  assert.ok(again.ok);
  assert.ok(again.value.pods.every((p, i) => p === snap.value.pods[i]));
  // A node's allocatable changes (the informer replaces the object): the pods on it see the new numbers.
  inf.items[0] = node('node-a', '4', '6Gi');
  const changed = await view.snapshot('agents');
  assert.ok(changed.ok);
  assert.equal(changed.value.pods[0]?.nodeAllocatable?.memBytes, 6 * Gi);
});

test('without the node-read ClusterRole (403): no nodeAllocatable, one warning, the gauge told once; binding it later turns it on', async () => {
  const inf = new FakeNodeInformer();
  inf.items = [node('node-a', '4', '8Gi')];
  inf.refuse = apiError(403, 'nodes is forbidden: User "system:serviceaccount:agents:burstguard" cannot list resource "nodes"');
  const timers = manualSchedule();
  const log = leveledLog();
  const cacheLog = leveledLog();
  const known: boolean[] = [];
  const cache = new SyncedCache(inf, { name: 'nodes', log: cacheLog, schedule: timers.schedule, quietFailures: true });
  await cache.start();
  const view = new KubeClusterView({ pods: podsOn('node-a'), nodes: new NodeAllocatables(cache, log, (k) => known.push(k)) }, opts, silentLog);
  for (let i = 0; i < 3; i++) {
    const snap = await view.snapshot('agents');
    assert.ok(snap.ok, 'the tick goes on');
    assert.equal(snap.value.pods[0]?.nodeAllocatable, undefined);
    await timers.fire(); // the retry is refused again
  }
  const warned = log.lines.filter((l) => /cannot list Nodes/.test(l));
  assert.equal(warned.length, 1, log.lines.join('\n'));
  assert.match(warned[0]!, /^warn: /);
  assert.deepEqual(cacheLog.lines.filter((l) => !l.startsWith('debug: ')), [], 'the cache\'s own retries are debug lines');
  assert.deepEqual(known, [false]);

  inf.refuse = undefined;
  await timers.fire();
  const snap = await view.snapshot('agents');
  assert.ok(snap.ok);
  assert.deepEqual(snap.value.pods[0]?.nodeAllocatable, { cpuCores: 4, memBytes: 8 * Gi });
  assert.deepEqual(known, [false, true]);
});
