import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStaticTunedPolicy } from '../../../bench/replay/static-tuned.js';
import { flat, GiB, MiB, run, sorted } from './fixtures.js';

const swe = { requests: { memBytes: 256 * MiB, cpuCores: 0.1 }, limits: { memBytes: 4 * GiB, cpuCores: 2 } };
const chat = { requests: { memBytes: 128 * MiB, cpuCores: 0.05 }, limits: { memBytes: 512 * MiB, cpuCores: 1 } };

// A swe session that jumps to 3 GiB at t=2, before any tick could resize it; a chat session at 100 MiB.
function trace() {
  return sorted(flat('a', 0, 1, 200, 0.1, { agentClass: 'swe' }), flat('a', 2, 300, 3 * 1024, 0.1, { agentClass: 'swe' }), flat('b', 0, 300, 100, 0.05, { agentClass: 'chat' }));
}

test('static-tuned pods are born with their class sizes (the pod template), so nothing needs a resize', async () => {
  const out = await run(trace(), { policy: createStaticTunedPolicy({ swe, chat }) });
  assert.equal(out.row.oomKills, 0, 'the 4Gi template limit holds the 3Gi jump from the first second');
  assert.equal(out.row.resizes, 0);
  const born = await run(trace());
  assert.ok(born.row.oomKills > 0, 'the simulator template (1Gi limit) would have been killed');
});

test('a class without its own sizes takes default; with neither, the pod keeps the simulator template', () => {
  const p = createStaticTunedPolicy({ default: swe });
  assert.deepEqual(p.podTemplate('anything'), swe);
  assert.equal(createStaticTunedPolicy({ swe }).podTemplate('chat'), undefined);
});
