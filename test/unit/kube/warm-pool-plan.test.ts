// The pure pre-warm decision for agent-sandbox SandboxWarmPools: windows, the claim forecast, the
// restore of the user's value, an HPA that owns spec.replicas, and a user who changes it meanwhile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenWindow } from '../../../src/adapters/kube/prewarm-plan.js';
import { hpaScaling, planWarmPools, type HpaView, type PoolMemory, type WarmPoolPlanInput } from '../../../src/adapters/kube/warm-pool-plan.js';
import { foldClaimTotals, claimArrivalsByPool, type PoolClaims } from '../../../src/policy/predictive/claims.js';
import { resolvePredictiveOptions } from '../../../src/policy/predictive/index.js';

const NS = 'agents';
const options = { ...resolvePredictiveOptions({ riskBudget: 0.002, arrivalFastTauS: 5, arrivalSlowTauS: 600, scaleCooldownS: 8, prewarmBurstIndex: 1.5 }), scaleHorizonS: 30, sessionsPerReplica: 1 };
const targets = [{ name: 'pool-a', agentClass: 'coder', maxPrewarmReplicas: 10 }];
const win = (over: Partial<OpenWindow['window']> = {}): OpenWindow => ({ window: { name: 'morning', agentClass: 'coder', minReplicas: 6, ...over }, endMs: 99_000 });
const pools = (replicas: number): Map<string, { ref: { namespace: string; name: string }; replicas: number; resourceVersion: string }> =>
  new Map([['pool-a', { ref: { namespace: NS, name: 'pool-a' }, replicas, resourceVersion: '7' }]]);

function input(over: Partial<WarmPoolPlanInput>): WarmPoolPlanInput {
  return {
    nowMs: 1000, namespace: NS, targets, pools: pools(2), hpas: [], windows: [], restoreAfterS: 3,
    lastInWindowMs: new Map(), memory: new Map(), claims: new Map(), holds: new Map(), options, ...over,
  };
}

test('an open window raises spec.replicas to its replicas, capped by maxPrewarmReplicas, with the user value as original', () => {
  const p = planWarmPools(input({ windows: [win({ minReplicas: 30 })] }));
  assert.equal(p.actions.length, 1);
  const a = p.actions[0]!;
  assert.deepEqual([a.from, a.replicas, a.originalReplicas, a.restore, a.policy, a.resourceVersion], [2, 10, 2, false, 'prewarm', '7']);
  assert.match(a.reason, /pre-warm window morning open until/);
  // Already there (remembered as ours): nothing to write.
  const mem = new Map<string, PoolMemory>([['pool-a', { original: 2, written: 10 }]]);
  assert.deepEqual(planWarmPools(input({ pools: pools(10), memory: mem, windows: [win({ minReplicas: 30 })] })).actions, []);
});

test('after the window: held for restoreAfterS, then the remembered user value comes back', () => {
  const last = new Map([['pool-a', 1000]]);
  const mem = new Map<string, PoolMemory>([['pool-a', { original: 2, written: 6 }]]);
  assert.deepEqual(planWarmPools(input({ nowMs: 3000, pools: pools(6), memory: mem, lastInWindowMs: last })).actions, []);
  const p = planWarmPools(input({ nowMs: 4500, pools: pools(6), memory: mem, lastInWindowMs: last }));
  assert.deepEqual(p.actions.map((a) => [a.replicas, a.restore]), [[2, true]]);
  assert.match(p.actions[0]!.reason, /restore the user's spec.replicas 2: no pre-warm window open for 4 s/);
  // Back at the user's value: the memory is void.
  const settled = planWarmPools(input({ nowMs: 5000, pools: pools(2), memory: mem, lastInWindowMs: last }));
  assert.deepEqual([settled.actions, settled.forget], [[], ['pool-a']]);
});

test('a user who changes spec.replicas while raised wins: theirs is the new original', () => {
  const mem = new Map<string, PoolMemory>([['pool-a', { original: 2, written: 6 }]]);
  const last = new Map([['pool-a', 0]]);
  const p = planWarmPools(input({ nowMs: 9000, pools: pools(4), memory: mem, lastInWindowMs: last }));
  assert.deepEqual(p.actions, [], 'never pushed back to the old original 2');
  assert.deepEqual(p.forget, ['pool-a']);
  // A window still open raises from the new value, never below it.
  const raised = planWarmPools(input({ pools: pools(4), memory: mem, windows: [win({ minReplicas: 3 })] }));
  assert.deepEqual(raised.actions, []);
});

test('an HPA whose scaleTargetRef names the pool: skipped with the reason, memory dropped, nothing written', () => {
  const hpas: HpaView[] = [
    { name: 'other', target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'pool-a' } },
    { name: 'swp-hpa', target: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'pool-a' } },
  ];
  assert.equal(hpaScaling('pool-a', hpas)?.name, 'swp-hpa');
  assert.equal(hpaScaling('pool-a', hpas.slice(0, 1)), undefined, 'a Deployment of the same name is no conflict');
  assert.equal(hpaScaling('pool-a', [{ name: 'x', target: { apiVersion: 'example.com/v1', kind: 'SandboxWarmPool', name: 'pool-a' } }]), undefined, 'another group');
  const mem = new Map<string, PoolMemory>([['pool-a', { original: 2, written: 6 }]]);
  const p = planWarmPools(input({ hpas, memory: mem, windows: [win()] }));
  assert.deepEqual(p.actions, []);
  assert.deepEqual(p.skipped.map((s) => [s.kind, s.pool.name]), [['hpa', 'pool-a']]);
  assert.match(p.skipped[0]!.reason, /HorizontalPodAutoscaler swp-hpa scales this pool/);
  assert.deepEqual(p.forget, ['pool-a']);
});

test('a configured pool that does not exist is reported, not an error', () => {
  const p = planWarmPools(input({ pools: new Map() }));
  assert.deepEqual(p.skipped.map((s) => s.kind), ['not-found']);
});

/** Claims folded as the runtime does: a quiet baseline, then a burst. */
function claimsAfterBurst(): { claims: Map<string, PoolClaims>; nowMs: number } {
  const claims = new Map<string, PoolClaims>();
  let total = 100;
  let t = 0;
  for (; t <= 120_000; t += 1000) foldClaimTotals(claims, new Map([['pool-a', total]]), t, options, 1);
  for (let i = 0; i < 8; i++, t += 1000) foldClaimTotals(claims, new Map([['pool-a', (total += 2)]]), t, options, 1);
  return { claims, nowMs: t };
}

test('a claim burst raises the pool ahead of the claims to come, by the forecast, within the cap', () => {
  const { claims, nowMs } = claimsAfterBurst();
  const holds = new Map();
  const p = planWarmPools(input({ nowMs, claims: claimArrivalsByPool(claims), holds }));
  assert.equal(p.actions.length, 1);
  const a = p.actions[0]!;
  assert.equal(a.policy, 'claims');
  assert.ok(a.replicas > 2 && a.replicas <= 10, `raised within the cap: ${a.replicas}`);
  assert.match(a.reason, /pre-warm \d+ replicas.*claims\/min, \d+ claims at p95 over \d+ s/);
  if (a.replicas === 10) assert.match(a.reason, /capped at maxPrewarmReplicas 10/);
  assert.ok(Number(a.inputs.upperArrivals) >= 1);
  // Quiet again for longer than the cooldown: the forecast lets go and the user's value comes back.
  const mem = new Map<string, PoolMemory>([['pool-a', { original: 2, written: a.replicas }]]);
  let later = nowMs;
  const total = claims.get('pool-a')!.lastTotal;
  for (let i = 0; i < 60; i++, later += 1000) foldClaimTotals(claims, new Map([['pool-a', total]]), later, options, 1);
  const back = planWarmPools(input({ nowMs: later, pools: pools(a.replicas), memory: mem, claims: claimArrivalsByPool(claims), holds }));
  assert.deepEqual(back.actions.map((x) => [x.replicas, x.restore, x.policy]), [[2, true, 'claims']]);
  assert.match(back.actions[0]!.reason, /no claim burst forecast/);
});

test('no claim metrics: no claim forecast, windows alone decide', () => {
  const p = planWarmPools(input({ claims: new Map() }));
  assert.deepEqual(p.actions, []);
});
