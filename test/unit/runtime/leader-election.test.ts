import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expired, LeaderElector, type LeaseApi, type LeaseRecord } from '../../../src/runtime/leader-election.js';
import { fromLease, toLease } from '../../../src/adapters/kube/lease-api.js';

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** One Lease in memory with the API server's optimistic concurrency: writes with a stale resourceVersion get 409. */
class FakeLeaseStore {
  rec: LeaseRecord | undefined;
  private version = 0;
  down = false;
  writes = 0;

  api(): LeaseApi {
    const fail = (code: number, msg: string) => Object.assign(new Error(msg), { code });
    return {
      get: () => (this.down ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(this.rec ? { ...this.rec } : undefined)),
      create: (rec) => {
        if (this.down) return Promise.reject(new Error('ECONNREFUSED'));
        if (this.rec) return Promise.reject(fail(409, 'already exists'));
        return Promise.resolve(this.store(rec));
      },
      replace: (rec) => {
        if (this.down) return Promise.reject(new Error('ECONNREFUSED'));
        if (!this.rec) return Promise.reject(fail(404, 'not found'));
        if (rec.resourceVersion !== this.rec.resourceVersion) return Promise.reject(fail(409, 'the object has been modified'));
        return Promise.resolve(this.store(rec));
      },
    };
  }

  private store(rec: LeaseRecord): LeaseRecord {
    this.writes += 1;
    this.version += 1;
    this.rec = { ...rec, resourceVersion: String(this.version) };
    return { ...this.rec };
  }
}

function candidate(store: FakeLeaseStore, identity: string, clock: { now(): number }, api: LeaseApi = store.api()): LeaderElector {
  return new LeaderElector(api, { identity, leaseDurationS: 15, renewDeadlineS: 10, retryPeriodS: 2, clock, log: silentLog });
}

test('expiry: renewTime + leaseDurationSeconds < now', () => {
  assert.equal(expired({ renewTimeMs: 1000, leaseDurationSeconds: 15 }, 16_000), false);
  assert.equal(expired({ renewTimeMs: 1000, leaseDurationSeconds: 15 }, 16_001), true);
  assert.equal(expired({}, 0), true);
});

test('two candidates: exactly one leader; renewals keep it; the other waits', async () => {
  const store = new FakeLeaseStore();
  let now = 1_000_000;
  const clock = { now: () => now };
  const a = candidate(store, 'a', clock);
  const b = candidate(store, 'b', clock);
  const [ra, rb] = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
  assert.deepEqual([ra, rb].sort(), ['acquired', 'lost-race']);
  const winner = store.rec!.holderIdentity;
  const [w, l] = winner === 'a' ? [a, b] : [b, a];
  for (let i = 0; i < 20; i++) {
    now += 2000;
    assert.equal(await w.tryAcquireOrRenew(), 'renewed');
    assert.equal(await l.tryAcquireOrRenew(), 'held-by-other');
  }
  assert.equal(store.rec!.leaseTransitions, 0);
  assert.equal(store.rec!.holderIdentity, winner);
});

test('a racing replace with a stale resourceVersion loses (409 → lost race, no second leader)', async () => {
  const store = new FakeLeaseStore();
  let now = 0;
  const clock = { now: () => now };
  await candidate(store, 'old', clock).tryAcquireOrRenew();
  now = 60_000; // expired
  // Both read the same expired record before either writes.
  const readOnce = store.api();
  const snapshot = await readOnce.get();
  const stale: LeaseApi = { ...store.api(), get: () => Promise.resolve(snapshot) };
  const a = candidate(store, 'a', clock, stale);
  const b = candidate(store, 'b', clock, stale);
  const results = [await a.tryAcquireOrRenew(), await b.tryAcquireOrRenew()];
  assert.deepEqual(results, ['acquired', 'lost-race']);
  assert.equal(store.rec!.holderIdentity, 'a');
  assert.equal(store.rec!.leaseTransitions, 1);
});

test('leader stops → the other takes over only after leaseDuration, counting a transition', async () => {
  const store = new FakeLeaseStore();
  let now = 0;
  const clock = { now: () => now };
  const a = candidate(store, 'a', clock);
  const b = candidate(store, 'b', clock);
  assert.equal(await a.tryAcquireOrRenew(), 'acquired');
  const lastRenew = now;
  // a dies: no more renewals. b retries every retryPeriod.
  let takenAt: number | undefined;
  while (takenAt === undefined) {
    now += 2000;
    if ((await b.tryAcquireOrRenew()) === 'acquired') takenAt = now;
  }
  assert.ok(takenAt > lastRenew + 15_000, `took over at ${takenAt}`);
  assert.ok(takenAt <= lastRenew + 15_000 + 2000);
  assert.equal(store.rec!.holderIdentity, 'b');
  assert.equal(store.rec!.leaseTransitions, 1);
  assert.equal(await a.tryAcquireOrRenew(), 'held-by-other', 'the old leader comes back as a follower');
});

test('run(): leads, steps down when renewals fail for renewDeadline, releases on abort', async () => {
  const store = new FakeLeaseStore();
  let now = 0;
  const events: string[] = [];
  const ac = new AbortController();
  let step = 0;
  const elector = new LeaderElector(store.api(), {
    identity: 'a',
    leaseDurationS: 15,
    renewDeadlineS: 10,
    retryPeriodS: 2,
    clock: { now: () => now },
    log: silentLog,
    onStartedLeading: () => events.push(`start@${now}`),
    onStoppedLeading: () => events.push(`stop@${now}`),
    // A virtual clock: each sleep advances time and scripts the API server's availability.
    sleep: (ms) => {
      now += ms;
      step += 1;
      store.down = step >= 3 && step < 12; // the API server is gone for a while
      if (step >= 16) ac.abort();
      return Promise.resolve();
    },
  });
  await elector.run(ac.signal);
  // Leader at 0; renewals fail from t=6s; last good renewal t=4s; stepped down once t - 4s ≥ 10s → t=14s.
  assert.equal(events[0], 'start@0');
  assert.equal(events[1], 'stop@14000');
  // Re-acquired after the API server came back (the Lease is still its own), then released on abort.
  assert.ok(events.length >= 3 && events[2]!.startsWith('start@'));
  assert.equal(events.at(-1)!.startsWith('stop@'), true);
  assert.equal(store.rec!.holderIdentity, '', 'released: no holder');
  assert.equal(elector.isLeader(), false);
});

test('a released Lease is taken at once by the other candidate', async () => {
  const store = new FakeLeaseStore();
  const now = 0;
  const clock = { now: () => now };
  const a = candidate(store, 'a', clock);
  const b = candidate(store, 'b', clock);
  await a.tryAcquireOrRenew();
  await a.release();
  assert.equal(await b.tryAcquireOrRenew(), 'acquired');
});

test('the Lease object round-trips with microsecond times', () => {
  const rec: LeaseRecord = { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTimeMs: 1_700_000_000_123, renewTimeMs: 1_700_000_001_456, leaseTransitions: 2, resourceVersion: '7' };
  const lease = toLease(rec, 'agents', 'burstguard');
  assert.match(JSON.stringify(lease.spec?.renewTime), /\.456000Z"$/);
  assert.deepEqual(fromLease(lease), rec);
});
