/**
 * The first hour against the real API server: the controller's start-up line carries each key once
 * (replica and namespace come from the logger's base, not repeated), and /healthz answered before it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baseConfig, startWorld, type Scene, type World } from './harness/world.js';

describe('first hour: start-up', { timeout: 240_000 }, () => {
  let world: World;
  let scene: Scene;
  before(async () => {
    world = await startWorld();
    scene = await world.scene('first-hour');
    await scene.writeConfig(baseConfig(scene.ns, world.prom.url));
    await scene.startController('first-0');
  });
  after(async () => {
    await world?.close();
  });

  it('"burstguard controller started" has no repeated keys', async () => {
    await scene.check(() => {
      const dir = scene.kubeconfig.slice(0, scene.kubeconfig.lastIndexOf('/'));
      const raw = readFileSync(join(dir, 'controller-first-0.log'), 'utf8').split('\n').find((l) => l.includes('"burstguard controller started"'));
      assert.ok(raw !== undefined);
      const keys = [...raw.matchAll(/[{,]"([^"]+)":/g)].map((m) => m[1]);
      assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], raw);
      const line = JSON.parse(raw) as Record<string, unknown>;
      assert.equal(line.namespace, scene.ns);
      assert.equal(line.replica, 'first-0');
      return Promise.resolve();
    });
  });
});
