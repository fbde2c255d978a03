import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventSeriesBook, seriesKey, type SeriesKeyParts } from '../../../src/adapters/kube/event-series.js';

const opts = { seriesWindowMs: 360_000, seriesPatchIntervalMs: 60_000, maxNewPerFlush: 3 };
const parts = (name: string, reason = 'BurstguardResized'): SeriesKeyParts => ({ regarding: { kind: 'Pod', namespace: 'agents', name }, reason, action: 'Resize', type: 'Normal' });
let n = 0;
const fresh = (): string => `e${++n}`;

function observe(book: EventSeriesBook, name: string, nowMs: number, reason?: string): string {
  const p = parts(name, reason);
  return book.observe(seriesKey(p), p, nowMs, fresh).kind;
}

test("the key is the object, reason, action and the note's words; numbers and type are not in it", () => {
  assert.equal(seriesKey(parts('a')), seriesKey({ ...parts('a'), type: 'Warning' }));
  assert.equal(seriesKey({ ...parts('a'), note: 'requests 512Mi mem, 0.25 cpu [x=1.5e+9]' }), seriesKey({ ...parts('a'), note: 'requests 640Mi mem, 0.5 cpu [x=2e+9]' }));
  assert.notEqual(seriesKey({ ...parts('a'), note: 'pre-warm 3 replicas' }), seriesKey({ ...parts('a'), note: 'restore minReplicaCount 1' }));
  assert.notEqual(seriesKey(parts('a')), seriesKey(parts('b')));
  assert.notEqual(seriesKey(parts('a')), seriesKey(parts('a', 'BurstguardResizeDeferred')));
  assert.notEqual(seriesKey(parts('a')), seriesKey({ ...parts('a'), regarding: { kind: 'Pod', namespace: 'agents', name: 'a', uid: 'u2' } }));
});

test('repeats within the window are counted; the first repeat is written at once, later ones once an interval', () => {
  const book = new EventSeriesBook(opts);
  assert.equal(observe(book, 'a', 0), 'create');
  assert.deepEqual(book.flush(0).patches, [], 'a single occurrence needs no patch');
  assert.equal(observe(book, 'a', 15_000), 'counted');
  const first = book.flush(15_000).patches;
  assert.deepEqual(first.map((w) => [w.count, w.lastObservedMs]), [[2, 15_000]]);
  book.written(first[0]!, 15_000);
  assert.equal(observe(book, 'a', 30_000), 'counted');
  assert.equal(observe(book, 'a', 45_000), 'counted');
  assert.deepEqual(book.flush(45_000).patches, [], 'within the patch interval: held in memory');
  const due = book.flush(75_000).patches;
  assert.deepEqual(due.map((w) => w.count), [4]);
  book.written(due[0]!, 75_000);
  assert.deepEqual(book.flush(200_000).patches, [], 'nothing new: nothing to write');
});

test('a series ends after the window: its unwritten count is written once, and the next occurrence is a new Event', () => {
  const book = new EventSeriesBook(opts);
  observe(book, 'a', 0);
  observe(book, 'a', 10_000);
  const w = book.flush(10_000).patches[0]!;
  book.written(w, 10_000);
  observe(book, 'a', 20_000);
  const last = book.flush(20_000 + 360_001).patches;
  assert.deepEqual(last.map((x) => x.count), [3], 'the final count of the ended series');
  assert.equal(book.size(), 0);
  assert.equal(observe(book, 'a', 400_000), 'create');
});

test('new Events past the per-flush budget are summarised by reason; repeats do not use the budget', () => {
  const book = new EventSeriesBook(opts);
  for (const name of ['a', 'b', 'c']) assert.equal(observe(book, name, 0), 'create');
  assert.equal(observe(book, 'a', 1), 'counted', 'a repeat is never held back');
  assert.equal(observe(book, 'd', 2), 'summarised');
  assert.equal(observe(book, 'e', 3, 'BurstguardResizeDeferred'), 'summarised');
  const plan = book.flush(4);
  assert.deepEqual([...plan.summary.entries()], [
    ['BurstguardResized', { type: 'Normal', count: 1, examples: ['pod/d'] }],
    ['BurstguardResizeDeferred', { type: 'Normal', count: 1, examples: ['pod/e'] }],
  ]);
  assert.equal(observe(book, 'f', 5), 'create', 'the budget starts again after a flush');
  assert.equal(book.flush(6).summary.size, 0);
});

test('no cap with maxNewPerFlush 0; a forgotten series (failed create, 404) starts afresh', () => {
  const book = new EventSeriesBook({ ...opts, maxNewPerFlush: 0 });
  for (let i = 0; i < 50; i++) assert.equal(observe(book, `p${i}`, 0), 'create');
  const p = parts('p0');
  const o = book.observe(seriesKey(p), p, 1, fresh);
  assert.equal(o.kind, 'counted');
  book.forget(seriesKey(p), o.kind === 'counted' ? o.name : '');
  assert.equal(observe(book, 'p0', 2), 'create');
  book.forget(seriesKey(p), 'another-name');
  assert.equal(observe(book, 'p0', 3), 'counted', 'forget of a stale name leaves the live series');
});
