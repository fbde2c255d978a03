import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, formatIssues, parseConfigYaml, type ConfigIssue } from '../../../src/config/index.js';

const MiB = 2 ** 20;

function issues(yaml: string): ConfigIssue[] {
  const r = parseConfigYaml(yaml);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.error;
}

function paths(yaml: string): string[] {
  return issues(yaml).map((i) => i.path);
}

test('an empty config yields the defaults: dry-run, predictive, safe guards', () => {
  for (const text of ['', '{}', '# nothing\n']) {
    const r = parseConfigYaml(text);
    assert.ok(r.ok, text);
    assert.deepEqual(r.value, defaultConfig());
  }
  const d = defaultConfig();
  assert.equal(d.engine.dryRun, true);
  assert.equal(d.engine.tickIntervalS, 15);
  assert.equal(d.policy, 'predictive');
  assert.equal(d.leaderElection.leaseDurationS, 15);
  assert.equal(d.leaderElection.renewDeadlineS, 10);
  assert.equal(d.leaderElection.retryPeriodS, 2);
  assert.ok(d.engine.guards.minResources.memBytes < d.engine.guards.maxResources.memBytes);
  assert.ok(d.engine.guards.usageMarginFraction > 0);
  assert.ok(d.engine.guards.maxDecreaseFraction < 1);
});

test('partial sections keep the other defaults and human quantities are converted', () => {
  const r = parseConfigYaml(
    [
      'engine:',
      '  dryRun: false',
      '  guards:',
      '    minResources: { memory: 128Mi }',
      '    maxResources: { memory: 4Gi, cpu: 2500m }',
      'policy: reactive',
      'policies:',
      '  static:',
      '    limits: { memory: 1Gi, cpu: "1" }',
    ].join('\n'),
  );
  assert.ok(r.ok, JSON.stringify(r));
  const c = r.value;
  assert.equal(c.engine.dryRun, false);
  assert.equal(c.engine.tickIntervalS, 15);
  assert.deepEqual(c.engine.guards.minResources, { memBytes: 128 * MiB, cpuCores: defaultConfig().engine.guards.minResources.cpuCores });
  assert.deepEqual(c.engine.guards.maxResources, { memBytes: 4096 * MiB, cpuCores: 2.5 });
  assert.equal(c.policy, 'reactive');
  assert.deepEqual(c.policies.static.limits, { memBytes: 1024 * MiB, cpuCores: 1 });
});

test('unknown keys are errors with their full path (typo safety)', () => {
  assert.deepEqual(paths('engine:\n  dryrun: false\n'), ['engine.dryrun']);
  assert.deepEqual(paths('polcy: static\n'), ['polcy']);
  assert.deepEqual(paths('policies:\n  predictive:\n    riskbudget: 0.1\n'), ['policies.predictive.riskbudget']);
  const i = issues('engine:\n  guards:\n    usageMargin: 0.2\n')[0];
  assert.equal(i?.path, 'engine.guards.usageMargin');
  assert.equal(i?.line, 3);
  assert.match(i?.message ?? '', /unknown/);
});

test('invalid values name the field and the line', () => {
  const cases: ReadonlyArray<readonly [string, string, number]> = [
    ['engine:\n  tickIntervalS: 0\n', 'engine.tickIntervalS', 2],
    ['engine:\n  dryRun: "yes please"\n', 'engine.dryRun', 2],
    ['policy: magic\n', 'policy', 1],
    ['policies:\n  predictive:\n    riskBudget: 1.5\n', 'policies.predictive.riskBudget', 3],
    ['engine:\n  guards:\n    maxResources:\n      memory: 12Zi\n', 'engine.guards.maxResources.memory', 4],
    ['prometheus:\n  url: not a url\n', 'prometheus.url', 2],
    ['prometheus:\n  metricNames: otel\n', 'prometheus.metricNames', 2],
    ['schedules:\n  modelRefit: "every hour"\n', 'schedules.modelRefit', 2],
    ['http:\n  port: 70000\n', 'http.port', 2],
    ['leaderElection:\n  renewDeadlineS: 20\n', 'leaderElection.renewDeadlineS', 2],
  ];
  for (const [yaml, path, line] of cases) {
    const got = issues(yaml);
    const hit = got.find((i) => i.path === path);
    assert.ok(hit, `${path} not reported; got ${JSON.stringify(got)}`);
    assert.equal(hit.line, line, `${path} line`);
  }
});

test('cross-field rules: min ≤ max resources, lease timings, pre-warm target', () => {
  assert.deepEqual(paths('engine:\n  guards:\n    minResources: { memory: 8Gi }\n    maxResources: { memory: 1Gi }\n'), [
    'engine.guards.minResources.memory',
  ]);
  assert.deepEqual(paths('engine:\n  deferredBackoffS: { initial: 900, max: 60 }\n'), ['engine.deferredBackoffS.initial']);
  assert.deepEqual(paths('leaderElection:\n  retryPeriodS: 10\n'), ['leaderElection.retryPeriodS']);
  const both = 'schedules:\n  prewarm:\n    - cron: "0 9 * * 1-5"\n      durationMinutes: 60\n      minReplicas: 3\n      scaleFactor: 2\n';
  assert.deepEqual(paths(both), ['schedules.prewarm[0].minReplicas']);
  const neither = 'schedules:\n  prewarm:\n    - cron: "0 9 * * 1-5"\n      durationMinutes: 60\n';
  assert.deepEqual(paths(neither), ['schedules.prewarm[0].minReplicas']);
  const good = parseConfigYaml('schedules:\n  prewarm:\n    - cron: "0 9 * * 1-5"\n      durationMinutes: 60\n      scaleFactor: 2\n');
  assert.ok(good.ok);
  assert.equal(good.value.schedules.prewarm[0]?.scaleFactor, 2);
  assert.equal(good.value.schedules.prewarm[0]?.agentClass, '');
});

test('keda scaledObjects need name, agentClass and maxPrewarmReplicas', () => {
  const ok = parseConfigYaml('keda:\n  scaledObjects:\n    - { name: coder, agentClass: coder, maxPrewarmReplicas: 5 }\n');
  assert.ok(ok.ok);
  assert.deepEqual(ok.value.keda.scaledObjects, [{ name: 'coder', agentClass: 'coder', maxPrewarmReplicas: 5 }]);
  assert.deepEqual(paths('keda:\n  scaledObjects:\n    - { name: coder, agentClass: coder }\n'), [
    'keda.scaledObjects[0].maxPrewarmReplicas',
  ]);
});

test('YAML syntax errors and non-mapping documents are reported, not thrown', () => {
  const syntax = issues('engine:\n  dryRun: [true\n');
  assert.equal(syntax[0]?.path, '');
  assert.match(syntax[0]?.message ?? '', /^YAML/);
  assert.equal(typeof syntax[0]?.line, 'number');
  assert.match(issues('- a\n- b\n')[0]?.message ?? '', /mapping/);
  assert.match(issues('engine: 1\nengine: 2\n')[0]?.message ?? '', /YAML/);
});

test('formatIssues makes one readable line', () => {
  const line = formatIssues([
    { path: 'policies.predictive.riskBudget', message: 'must be between 0 and 1', line: 7 },
    { path: '', message: 'YAML: bad' },
  ]);
  assert.equal(line, 'policies.predictive.riskBudget (line 7): must be between 0 and 1; (root): YAML: bad');
});
