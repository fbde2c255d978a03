/**
 * The real node itself (kubelet + containerd + runc, docs/e2e.md "The real node"): it registers and goes
 * Ready, runs a locally built agent image whose memory the kernel really charges, Prometheus scrapes the
 * kubelet's cAdvisor with pod/container labels and the agent's own series, in-place resizes reach the
 * container's cgroup (latencies reported), a workload past its limit is OOM-killed by the kernel, and
 * stopping the node leaves no process, cgroup folder or mount behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitFor } from './harness/proc.js';
import { Mi } from './harness/quantities.js';
import { nodeCgroupDirs } from './harness/real-node/cleanup.js';
import { realNodeSkipReason } from './harness/real-node/node.js';
import { agentGauge, agentStatus } from './harness/real-node/pods.js';
import { summary, timeMemoryResize } from './harness/real-node/resize.js';
import { startRealWorld, type RealWorld } from './harness/real-node/world.js';
import type { Scene } from './harness/world.js';

const skip = realNodeSkipReason() ?? false;
const flat = (mem: number, steps = 5): Array<{ m: number; c: number; t: number; tool: string; calls: number }> =>
  Array.from({ length: steps }, () => ({ m: mem, c: 0.05, t: 12_000, tool: 'Read', calls: 1 }));

describe('real node: kubelet, containerd, cAdvisor, cgroups', { skip, timeout: 300_000 }, () => {
  let world: RealWorld;
  let scene: Scene;
  const cgroupsBefore = nodeCgroupDirs();

  before(async () => {
    world = await startRealWorld();
    scene = await world.scene('node');
  });
  after(async () => {
    await world?.close();
  });

  it('runs an agent pod whose memory cAdvisor reports with pod and container labels, and scrapes the agent', async () => {
    await scene.check(async () => {
      const { port } = await world.agentPod(scene, { name: 'steady', plan: { intervalMs: 1000, steps: flat(150 * Mi) }, requests: { memBytes: 200 * Mi, cpuCores: 0.1 }, limits: { memBytes: 400 * Mi, cpuCores: 0.5 } });
      await waitFor('agent replay started', async () => ((await agentGauge(port, 'e2e_agent_replay_step')) ?? -1) >= 0 ? true : undefined, 60_000);
      const q = `container_memory_working_set_bytes{namespace="${scene.ns}",pod="steady",container="agent"}`;
      const ws = await waitFor('cAdvisor working set of the agent container in Prometheus', async () => {
        const r = await world.prom.query(q);
        const v = Number(r[0]?.value[1] ?? 0);
        return v >= 150 * Mi ? v : undefined;
      }, 90_000, 1000);
      assert.ok(ws < 400 * Mi, `working set ${ws} within the limit`);
      const tokens = await waitFor('the agent\'s context tokens in Prometheus', async () => {
        const r = await world.prom.query(`burstguard_agent_context_tokens{namespace="${scene.ns}",pod="steady"}`);
        return r.length > 0 ? Number(r[0]!.value[1]) : undefined;
      }, 30_000, 1000);
      assert.equal(tokens, 12_000);
    });
  });

  it('applies in-place memory resizes to the container cgroup (PATCH -> cgroup and -> status latencies reported)', async (t) => {
    await scene.check(async () => {
      const cg: number[] = [];
      const st: number[] = [];
      // Up and down, always above the ~150 Mi in use: the kubelet applies all of them.
      for (const mi of [500, 450, 600, 420, 700, 480, 640, 400, 520, 460]) {
        const r = await timeMemoryResize(world.admin.core, scene.ns, 'steady', mi * Mi);
        cg.push(r.toCgroupMs);
        st.push(r.toStatusMs);
      }
      const pod = await world.admin.core.readNamespacedPod({ name: 'steady', namespace: scene.ns });
      assert.equal(agentStatus(pod)?.restartCount, 0, 'resizes restart nothing');
      t.diagnostic(`resize PATCH->cgroup ms ${JSON.stringify(summary(cg))}`);
      t.diagnostic(`resize PATCH->status ms ${JSON.stringify(summary(st))}`);
    });
  });

  it('a workload that grows past its fixed limit is OOM-killed by the kernel and restarted', async () => {
    await scene.check(async () => {
      const grow = Array.from({ length: 30 }, (_, i) => ({ m: (100 + 20 * i) * Mi, c: 0.05 }));
      await world.agentPod(scene, { name: 'oom', plan: { intervalMs: 300, steps: grow }, requests: { memBytes: 128 * Mi, cpuCores: 0.1 }, limits: { memBytes: 300 * Mi, cpuCores: 0.5 } });
      const killed = await waitFor('OOMKilled with a restart', async () => {
        const s = agentStatus(await world.admin.core.readNamespacedPod({ name: 'oom', namespace: scene.ns }));
        return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated?.reason === 'OOMKilled' ? s : undefined;
      }, 90_000, 250);
      assert.equal(killed.lastState?.terminated?.exitCode, 137);
    });
  });

  it('stops every process by PID and leaves no cgroup folder or mount behind', async () => {
    const dir = world.node.paths.dir;
    await world.close();
    assert.deepEqual(nodeCgroupDirs().filter((d) => !cgroupsBefore.includes(d)), []);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(dir) || / \/run tmpfs | \/var\/lib /.test(l));
    assert.deepEqual(mounts, []);
  });
});
