import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolRows } from '../../../bench/score/pool-rows.js';
import type { ResizePolicyRow } from '../../../bench/score/result-types.js';

const row = (over: Record<string, number>): ResizePolicyRow =>
  ({ policy: 'p', oomKills: 0, evictions: 0, nodeHours: 0, peakNodes: 0, memSlack: 0, cpuSlack: 0, memRequestedGiBHours: 0, memUsedGiBHours: 0, cpuRequestedCoreHours: 0, scoredPodSeconds: 0, overRequestShare: 0, ...over }) as unknown as ResizePolicyRow;

test('pooled folds add totals, keep the largest peak, and recompute ratios from the totals', () => {
  const a = row({ oomKills: 1, nodeHours: 1, peakNodes: 2, memRequestedGiBHours: 2, memUsedGiBHours: 1, memSlack: 0.5, cpuRequestedCoreHours: 1, cpuSlack: 0.5, scoredPodSeconds: 3600, overRequestShare: 0.1 });
  const b = row({ oomKills: 2, nodeHours: 3, peakNodes: 1, memRequestedGiBHours: 8, memUsedGiBHours: 2, memSlack: 0.75, cpuRequestedCoreHours: 3, cpuSlack: 0, scoredPodSeconds: 3 * 3600, overRequestShare: 0.3 });
  const p = poolRows([a, b]);
  assert.equal(p.policy, 'p');
  assert.equal(p.oomKills, 3);
  assert.equal(p.nodeHours, 4);
  assert.equal(p.peakNodes, 2);
  assert.equal(p.memSlack, 0.7, '1 - 3/10, not the mean of 0.5 and 0.75');
  assert.equal(p.cpuSlack, 0.125, '1 - (0.5 + 3)/4');
  assert.equal(p['overRequestShare'], 0.25, 'weighted by pod-seconds');
  assert.equal(p['scoredPodSeconds'], 4 * 3600);
});

test('writes and disruptions per pod-hour are recomputed from the pooled counts when the rows carry them', () => {
  const a = row({ apiWrites: 10, apiWritesPerPodHour: 10, disruptions: 1, disruptionsPer100PodHours: 100, scoredPodSeconds: 3600 });
  const b = row({ apiWrites: 30, apiWritesPerPodHour: 10, disruptions: 0, disruptionsPer100PodHours: 0, scoredPodSeconds: 3 * 3600 });
  const p = poolRows([a, b]);
  assert.equal(p['apiWritesPerPodHour'], 10);
  assert.equal(p['disruptionsPer100PodHours'], 25);
});
