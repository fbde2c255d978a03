import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigWatcher, watchConfig, type ConfigEvent, type ConfigMapData } from '../../../src/runtime/config-watch.js';
import type { Config } from '../../../src/config/index.js';
import type { Logger } from '../../../src/engine/ports.js';

function harness() {
  const events: ConfigEvent[] = [];
  const reloads: string[] = [];
  const logs: Array<{ level: string; obj: object; msg?: string }> = [];
  const applied: Array<{ next: Config; previous: Config | undefined }> = [];
  const log = (level: string) => (obj: object, msg?: string) => {
    logs.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const watcher = new ConfigWatcher({
    logger,
    recordEvent: (e) => {
      events.push(e);
    },
    reloads: { inc: ({ result }) => reloads.push(result) },
    onApply: (next, previous) => applied.push({ next, previous }),
  });
  return { watcher, events, reloads, logs, applied };
}

const v = (yaml: string): ConfigMapData => ({ 'config.yaml': yaml });

test('a valid first version becomes current and is announced', () => {
  const h = harness();
  assert.equal(h.watcher.current(), undefined);
  const r = h.watcher.update(v('engine:\n  tickIntervalS: 30\n'));
  assert.equal(r.result, 'applied');
  assert.equal(h.watcher.current()?.engine.tickIntervalS, 30);
  assert.deepEqual(h.reloads, ['applied']);
  assert.equal(h.events[0]?.reason, 'ConfigApplied');
  assert.equal(h.applied.length, 1);
  assert.equal(h.applied[0]?.previous, undefined);
});

test('an invalid change is rejected, reported with field paths, and the last good config keeps running', () => {
  const h = harness();
  h.watcher.update(v('engine:\n  tickIntervalS: 30\n'));
  const good = h.watcher.current();
  const r = h.watcher.update(v('engine:\n  tickIntervalS: 30\npolicies:\n  predictive:\n    riskBudget: 7\n    riskbudget: 0.1\n'));
  assert.equal(r.result, 'rejected');
  if (r.result !== 'rejected') return;
  assert.deepEqual(r.issues.map((i) => i.path).sort(), ['policies.predictive.riskBudget', 'policies.predictive.riskbudget']);
  assert.equal(h.watcher.current(), good, 'the old config object is still in force');
  assert.deepEqual(h.reloads, ['applied', 'rejected']);
  const ev = h.events.at(-1);
  assert.equal(ev?.type, 'Warning');
  assert.equal(ev?.reason, 'ConfigRejected');
  assert.match(ev?.message ?? '', /policies\.predictive\.riskBudget \(line 5\)/);
  assert.match(ev?.message ?? '', /keeping the last good configuration/);
  const err = h.logs.find((l) => l.level === 'error');
  assert.match(JSON.stringify(err?.obj), /policies\.predictive\.riskbudget/);
  assert.equal(h.applied.length, 1, 'onApply not called for a rejected version');
});

test('a later valid change swaps in, with the previous config handed to onApply', () => {
  const h = harness();
  h.watcher.update(v('policy: static\n'));
  h.watcher.update(v('policy: [\n'));
  const r = h.watcher.update(v('policy: vpa\n'));
  assert.equal(r.result, 'applied');
  assert.equal(h.watcher.current()?.policy, 'vpa');
  assert.equal(h.applied[1]?.previous?.policy, 'static');
  assert.deepEqual(h.reloads, ['applied', 'rejected', 'applied']);
});

test('resyncs of the same text (good or bad) are unchanged: no second Event', () => {
  const h = harness();
  h.watcher.update(v('policy: static\n'));
  assert.equal(h.watcher.update(v('policy: static\n')).result, 'unchanged');
  h.watcher.update(v('policy: nope\n'));
  h.watcher.update(v('policy: nope\n'));
  assert.deepEqual(h.reloads, ['applied', 'unchanged', 'rejected', 'unchanged']);
  assert.equal(h.events.filter((e) => e.reason === 'ConfigRejected').length, 1);
  h.watcher.update(undefined);
  h.watcher.update(undefined);
  assert.equal(h.events.filter((e) => e.message.includes('missing')).length, 1);
});

test('an invalid first version leaves no config (not ready) and says so', () => {
  const h = harness();
  const r = h.watcher.update(v('engine: {dryRun: maybe}\n'));
  assert.equal(r.result, 'rejected');
  assert.equal(h.watcher.current(), undefined);
  assert.match(h.events[0]?.message ?? '', /no valid configuration yet/);
});

test('a deleted ConfigMap or a missing key keeps the last good config', () => {
  const h = harness();
  h.watcher.update(v('policy: reactive\n'));
  const gone = h.watcher.update(undefined);
  assert.equal(gone.result, 'rejected');
  if (gone.result === 'rejected') assert.equal(gone.issues[0]?.path, 'data.config.yaml');
  assert.equal(h.watcher.update({ other: 'x' }).result, 'rejected');
  assert.equal(h.watcher.current()?.policy, 'reactive');
});

test('changes to start-up-only sections are applied but flagged as needing a restart', () => {
  const h = harness();
  h.watcher.update(v('http: {port: 8080}\n'));
  const r = h.watcher.update(v('http: {port: 9090}\nengine: {dryRun: false}\n'));
  assert.equal(r.result, 'applied');
  if (r.result === 'applied') assert.deepEqual(r.restartRequired, ['http']);
  assert.match(h.events.at(-1)?.message ?? '', /restart needed for: http/);
});

test('a failing recordEvent is logged, not thrown', async () => {
  const logs: string[] = [];
  const log = (obj: object, msg?: string): void => {
    logs.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  };
  const w = new ConfigWatcher({
    logger: { debug: log, info: log, warn: log, error: log },
    recordEvent: () => Promise.reject(new Error('forbidden')),
    reloads: { inc: () => undefined },
  });
  assert.equal(w.update(v('{}')).result, 'applied');
  await new Promise((r) => setImmediate(r));
  assert.ok(logs.some((l) => l.includes('could not record Event') && l.includes('forbidden')));
});

test('watchConfig feeds every delivered version to the watcher and stops the feed', () => {
  let deliver: ((d: ConfigMapData) => void) | undefined;
  let stopped = false;
  const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const w = watchConfig(
    (onData) => {
      deliver = onData;
      return { stop: () => (stopped = true) };
    },
    { logger: silent, recordEvent: () => undefined, reloads: { inc: () => undefined } },
  );
  deliver?.(v('policy: static\n'));
  deliver?.(v('policy: 12\n'));
  assert.equal(w.watcher.current()?.policy, 'static');
  w.stop();
  assert.ok(stopped);
});
