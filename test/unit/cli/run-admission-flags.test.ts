// `burstguard run --admission-port/-cert/-key`: the three go together and the port is checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunArgs } from '../../../src/cli/run-cmd.js';

test('the admission flags together start the webhook; alone, or with a bad port, they are refused by name', () => {
  const all = parseRunArgs(['--admission-port', '9443', '--admission-cert', '/tls/tls.crt', '--admission-key', '/tls/tls.key']);
  assert.ok(all.ok && all.value !== 'help');
  assert.deepEqual(all.value.admission, { port: 9443, certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' });
  const none = parseRunArgs([]);
  assert.ok(none.ok && none.value !== 'help' && none.value.admission === undefined, 'off without the flags');
  const portOnly = parseRunArgs(['--admission-port', '9443']);
  assert.ok(!portOnly.ok && /go together/.test(portOnly.error));
  const badPort = parseRunArgs(['--admission-port', '0', '--admission-cert', 'c', '--admission-key', 'k']);
  assert.ok(!badPort.ok && /--admission-port: '0' is not a port number/.test(badPort.error));
});
