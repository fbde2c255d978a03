// POST /v1/hints over real HTTP on loopback, with a fake TokenReviewer: every bad or unauthenticated
// hint gets its 4xx with a JSON reason and never reaches the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { ok } from '../../../src/core/result.js';
import type { HintOutcome } from '../../../src/engine/hint.js';
import type { ToolHint } from '../../../src/policy/policy.js';
import type { TokenIdentity, TokenReviewer } from '../../../src/runtime/hints.js';
import { startHttpServer } from '../../../src/runtime/http.js';
import { TokenBuckets } from '../../../src/runtime/token-bucket.js';
import { fixedClock } from '../../support/fakes.js';

/** Tokens the fake API server knows: each is bound to a pod in a namespace, for some audiences, maybe expired. */
const TOKENS: Record<string, { ns: string; pod?: string; aud: string[]; expired?: boolean }> = {
  'tok-a': { ns: 'agents', pod: 'a', aud: ['burstguard'] },
  'tok-b': { ns: 'agents', pod: 'b', aud: ['burstguard'] },
  'tok-other-ns': { ns: 'elsewhere', pod: 'a', aud: ['burstguard'] },
  'tok-api': { ns: 'agents', pod: 'a', aud: ['https://kubernetes.default.svc'] },
  'tok-expired': { ns: 'agents', pod: 'a', aud: ['burstguard'], expired: true },
  'tok-legacy': { ns: 'agents', aud: ['burstguard'] },
  'tok-ghost': { ns: 'agents', pod: 'ghost', aud: ['burstguard'] },
};

/** Answers like the API server's TokenReview: unauthenticated with an error for a wrong audience or expiry. */
const fakeReviewer: TokenReviewer = {
  review(token, audiences) {
    const t = TOKENS[token];
    const no = (error: string): TokenIdentity => ({ authenticated: false, error });
    if (!t) return Promise.resolve(ok(no('invalid bearer token')));
    if (t.expired) return Promise.resolve(ok(no('service account token has expired')));
    const aud = t.aud.filter((a) => audiences.includes(a));
    if (aud.length === 0) return Promise.resolve(ok(no('token audiences ["https://kubernetes.default.svc"] is invalid for the target audiences ["burstguard"]')));
    return Promise.resolve(ok({ authenticated: true, username: `system:serviceaccount:${t.ns}:default`, audiences: aud, ...(t.pod ? { podName: t.pod } : {}) }));
  },
};

async function withHints(fn: (post: (body: unknown, token?: string) => Promise<{ status: number; body: Record<string, unknown> }>, acted: ToolHint[]) => Promise<void>, enabled = true): Promise<void> {
  const acted: ToolHint[] = [];
  const act = (h: ToolHint): Promise<HintOutcome> => {
    acted.push(h);
    if (h.pod === 'agents/ghost') return Promise.resolve({ kind: 'unknown-pod', reason: 'pod agents/ghost is not managed by burstguard' });
    return Promise.resolve({ kind: 'unchanged', reason: 'fake engine' });
  };
  const s = await startHttpServer({
    registry: new Registry(),
    readiness: () => ({ ready: true }),
    port: 0,
    host: '127.0.0.1',
    hints: { enabled: () => enabled, namespace: 'agents', audience: () => 'burstguard', reviewer: fakeReviewer, buckets: new TokenBuckets(() => ({ ratePerMinute: 6, burst: 3 })), clock: fixedClock(), act },
  });
  const post = async (body: unknown, token?: string) => {
    const r = await fetch(`http://127.0.0.1:${s.port}/v1/hints`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    assert.equal(r.headers.get('content-type'), 'application/json');
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  try {
    await fn(post, acted);
  } finally {
    await s.close();
  }
}

const hintA = { pod: 'a', container: 'agent', tool: 'Bash:test', expectedDurationS: 30 };

test('a pod hinting for itself with its own token is accepted and reaches the engine', async () => {
  await withHints(async (post, acted) => {
    const r = await post(hintA, 'tok-a');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, true);
    assert.deepEqual(acted, [{ pod: 'agents/a', container: 'agent', tool: 'Bash:test', expectedDurationS: 30 }]);
  });
});

test('refusals: each gets its status and a JSON reason, and none reaches the engine', async () => {
  await withHints(async (post, acted) => {
    const cases: Array<[string, unknown, string | undefined, number, RegExp]> = [
      ['garbage body', '{not json', 'tok-a', 400, /not JSON/],
      ['missing tool', { pod: 'a', container: 'agent' }, 'tok-a', 400, /tool/],
      ['unknown field', { ...hintA, limits: '64Gi' }, 'tok-a', 400, /bad hint/],
      ['bad pod name', { ...hintA, pod: '../b' }, 'tok-a', 400, /pod must be a Kubernetes name/],
      ['no token', hintA, undefined, 401, /no bearer token/],
      ['invalid token', hintA, 'forged', 401, /invalid bearer token/],
      ['wrong audience', hintA, 'tok-api', 401, /audience/],
      ['expired token', hintA, 'tok-expired', 401, /expired/],
      ['token not bound to a pod', hintA, 'tok-legacy', 403, /not bound to a pod/],
      ['wrong pod', hintA, 'tok-b', 403, /agents\/b; it may only hint for itself/],
      ['same pod name, other namespace', hintA, 'tok-other-ns', 403, /elsewhere\/a/],
    ];
    for (const [name, body, token, status, reason] of cases) {
      const r = await post(body, token);
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.accepted, false, name);
      assert.match(String(r.body.reason), reason, name);
    }
    assert.deepEqual(acted, []);
  });
});

test('an unknown or unmanaged pod gets 404', async () => {
  await withHints(async (post) => {
    const r = await post({ ...hintA, pod: 'ghost' }, 'tok-ghost');
    assert.equal(r.status, 404);
    assert.match(String(r.body.reason), /not managed/);
  });
});

test('a flood from one pod is cut at the bucket size with 429; other pods keep their own bucket', async () => {
  await withHints(async (post, acted) => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(hintA, 'tok-a')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    const last = await post(hintA, 'tok-a');
    assert.match(String(last.body.reason), /too many hints from agents\/a/);
    assert.equal((await post({ ...hintA, pod: 'b' }, 'tok-b')).status, 200);
    assert.equal(acted.length, 4);
  });
});

test('hints off: 404 with the setting to change, nothing reviewed or done', async () => {
  await withHints(async (post, acted) => {
    const r = await post(hintA, 'tok-a');
    assert.equal(r.status, 404);
    assert.match(String(r.body.reason), /hints.enabled/);
    assert.deepEqual(acted, []);
  }, false);
});

test('an oversized body is 413', async () => {
  await withHints(async (post) => {
    const big = await post({ ...hintA, tool: 'x'.repeat(5000) }, 'tok-a');
    assert.equal(big.status, 413);
  });
});
