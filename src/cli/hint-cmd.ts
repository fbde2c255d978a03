import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';

/** Where docs/hints.md mounts the projected ServiceAccount token (audience burstguard). */
export const DEFAULT_TOKEN_FILE = '/var/run/secrets/burstguard/token';
/** The env var naming the controller's service, e.g. http://burstguard.agents.svc:8080. */
export const URL_ENV = 'BURSTGUARD_URL';
/** A hint that is late is worthless: never hold the agent's tool call longer than this, retries included. */
const TIMEOUT_MS = 2_000;
/**
 * Tries in all when a replica answers 503 with Retry-After (a standby, not the leader). Each retry is
 * a new connection (the standby closes it), which the Service routes anew: with two replicas, four
 * tries miss the leader 1 time in 16.
 */
const MAX_TRIES = 4;

const usage = `usage: burstguard hint --pod P --container C --tool T [--expected-duration S] [--url URL] [--token-file F]
  Announces a tool call to the burstguard controller (POST /v1/hints), which resizes this pod at once.
  --pod defaults to $HOSTNAME (a pod's hostname is its name); --url to $${URL_ENV};
  --token-file to ${DEFAULT_TOKEN_FILE}. Exit 0 accepted, 1 refused or unreachable, 2 bad usage.
`;

/** `burstguard hint`: the small client an agent harness calls from its pre-tool hook (docs/hints.md). */
export async function hintCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      options: {
        pod: { type: 'string' },
        container: { type: 'string' },
        tool: { type: 'string' },
        'expected-duration': { type: 'string' },
        url: { type: 'string' },
        'token-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.stderr.write(`burstguard hint: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (v.help === true) {
    io.stdout.write(usage);
    return 0;
  }
  const pod = v.pod ?? env.HOSTNAME;
  const url = v.url ?? env[URL_ENV];
  const missing = [pod ? '' : '--pod', v.container ? '' : '--container', v.tool ? '' : '--tool', url ? '' : `--url (or $${URL_ENV})`].filter((x) => x !== '');
  if (missing.length > 0 || url === undefined) {
    io.stderr.write(`burstguard hint: missing ${missing.join(', ')}\n${usage}`);
    return 2;
  }
  const expected = v['expected-duration'] === undefined ? undefined : Number(v['expected-duration']);
  if (expected !== undefined && !(expected > 0)) {
    io.stderr.write(`burstguard hint: --expected-duration must be a positive number of seconds, not '${v['expected-duration']}'\n`);
    return 2;
  }
  const tokenFile = v['token-file'] ?? DEFAULT_TOKEN_FILE;
  let token: string;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
  } catch (e) {
    io.stderr.write(`burstguard hint: cannot read the token file ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 1;
  }
  const body = { pod, container: v.container, tool: v.tool, ...(expected !== undefined ? { expectedDurationS: expected } : {}) };
  return postHint(url, token, body, io);
}

/** POSTs the hint, retrying a standby's 503 on a new connection; prints the answer; the exit code. */
async function postHint(url: string, token: string, body: Record<string, unknown>, io: CliIo): Promise<number> {
  const deadline = AbortSignal.timeout(TIMEOUT_MS);
  try {
    for (let tries = 1; ; tries++) {
      const r = await fetch(new URL('/v1/hints', url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: deadline,
      });
      const text = await r.text();
      if (r.status === 503 && r.headers.get('retry-after') !== null && tries < MAX_TRIES) continue;
      (r.ok ? io.stdout : io.stderr).write(`${r.status} ${text.trim()}${tries > 1 ? ` (try ${tries})` : ''}\n`);
      return r.ok ? 0 : 1;
    }
  } catch (e) {
    io.stderr.write(`burstguard hint: ${url} unreachable: ${(e as Error).message}\n`);
    return 1;
  }
}
