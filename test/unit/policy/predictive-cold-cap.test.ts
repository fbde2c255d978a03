// The cold cap (admit.ts ADMIT_WARM_OUTCOMES) held for live pods of a short-session class whose price
// stands on a kill (recommend.ts coldCapHolds), and a short-session pod's request decreases at 30 %.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GiB, MiB } from '../../../src/core/resources.js';
import { ADMIT_WARM_OUTCOMES } from '../../../src/policy/predictive/admit.js';
import { coldCapHolds } from '../../../src/policy/predictive/recommend.js';
import { SHORT_DECREASE_FRACTION } from '../../../src/policy/predictive/short-sessions.js';
import { materialChanges, type MaterialityContext } from '../../../src/policy/predictive/write-budget.js';
import { agentPodView } from './agent-pod-view.js';

const held = { short: true, killEvidence: true, folds: 10, requestBytes: 512 * MiB, targetBytes: 2 * GiB, usageBytes: 250 * MiB };

describe('the cold cap for live pods', () => {
  it('holds a short class’s raise to a kill-lifted price while the class is cold and the request covers the pod', () => {
    assert.equal(coldCapHolds(held), true);
  });
  it('does not hold: a class not short, no kill, a warm class, a pod using more than its request, a decrease', () => {
    assert.equal(coldCapHolds({ ...held, short: false }), false);
    assert.equal(coldCapHolds({ ...held, killEvidence: false }), false);
    assert.equal(coldCapHolds({ ...held, folds: ADMIT_WARM_OUTCOMES }), false);
    assert.equal(coldCapHolds({ ...held, usageBytes: 600 * MiB }), false);
    assert.equal(coldCapHolds({ ...held, targetBytes: 400 * MiB }), false);
  });
});

describe('a short-session pod’s request decrease', () => {
  const pod = agentPodView('ns/a', { requests: { memBytes: 1000 * MiB, cpuCores: 0.2 }, limits: { memBytes: 3 * GiB, cpuCores: 1 }, nodeAllocatable: { memBytes: 8 * GiB, cpuCores: 4 } });
  const c: MaterialityContext = { usageBytes: 200 * MiB, usageMargin: 0.1, cpuCores: 0.1, riskAtCurrent: 0, eps: 6e-5, ageS: 300, worthNodeSeconds: 5, node: { memBytes: 8 * GiB, cpuCores: 4 } };
  const t = { memRequest: 750 * MiB, memLimit: 3 * GiB, cpuRequest: 0.2, cpuLimit: 1 };
  it('a 25 % decrease goes for other classes and waits for a short-session one', () => {
    assert.ok(materialChanges(pod, t, c)?.fields.includes('memory request down'));
    assert.equal(materialChanges(pod, t, { ...c, decreaseFraction: SHORT_DECREASE_FRACTION }), undefined);
  });
  it('a 40 % decrease goes for both', () => {
    assert.ok(materialChanges(pod, { ...t, memRequest: 600 * MiB }, { ...c, decreaseFraction: SHORT_DECREASE_FRACTION })?.fields.includes('memory request down'));
  });
});
