import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { configMapYaml, configToYaml, defaultConfig, parseConfigYaml } from '../../../src/config/index.js';
import { configTextFrom } from '../../../src/config/load.js';

const memory = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 4096 }).map((n) => `${n}Mi`));
const cpu = fc.oneof(
  fc.integer({ min: 1, max: 64_000 }).map((n) => `${n}m`),
  fc.double({ min: 0.001, max: 64, noNaN: true }),
);

/** Valid configs built from random overrides of a spread of fields. */
const configInput = fc.record({
  engine: fc.record({
    dryRun: fc.boolean(),
    tickIntervalS: fc.integer({ min: 1, max: 600 }),
    guards: fc.record({ minResources: fc.record({ memory, cpu }), usageMarginFraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  }),
  policy: fc.constantFrom('static', 'vpa', 'reactive', 'predictive'),
  policies: fc.record({
    static: fc.record({ limits: fc.record({ memory, cpu }) }),
    vpa: fc.record({ podMinMemoryBytes: memory }),
    predictive: fc.record({ riskBudget: fc.double({ min: 1e-6, max: 0.5, noNaN: true }) }),
  }),
  schedules: fc.record({
    prewarm: fc.array(
      fc.record({
        name: fc.string({ maxLength: 8 }),
        cron: fc.constantFrom('0 9 * * 1-5', '*/15 * * * *', '30 7 * * *'),
        durationMinutes: fc.integer({ min: 1, max: 600 }),
        scaleFactor: fc.double({ min: 1, max: 5, noNaN: true }),
      }),
      { maxLength: 3 },
    ),
  }),
});

test('configToYaml round-trips: parse(serialize(c)) equals c', () => {
  fc.assert(
    fc.property(configInput, (input) => {
      const first = parseConfigYaml(stringify(input));
      fc.pre(first.ok); // e.g. a random minResources above the default maxResources
      if (!first.ok) return;
      const again = parseConfigYaml(configToYaml(first.value));
      assert.ok(again.ok, JSON.stringify(again));
      assert.deepEqual(again.value, first.value);
    }),
    { numRuns: 60 },
  );
});

test('configMapYaml is a manifest loadConfigFile understands', () => {
  const c = defaultConfig();
  const text = configTextFrom(configMapYaml(c));
  assert.ok(text.ok);
  const back = parseConfigYaml(text.value);
  assert.ok(back.ok);
  assert.deepEqual(back.value, c);
  assert.match(configToYaml(c), /memory: 64Mi/);
});

test('parseConfigYaml never throws, whatever the input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => stringify(v))), (text) => {
      const r = parseConfigYaml(text);
      return r.ok || (Array.isArray(r.error) && r.error.length > 0 && r.error.every((i) => typeof i.message === 'string'));
    }),
    { numRuns: 200 },
  );
});
