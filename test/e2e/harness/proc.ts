/**
 * Child processes of the end-to-end tier (etcd, kube-apiserver, Prometheus, the controller): spawned with
 * their output in a log file, stopped politely then firmly, and killed when the test process exits so a
 * failed run never leaves servers behind on the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A running child process with its log file. */
export interface Proc {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (a crash, as far as the process's peers can tell). */
  kill(): Promise<void>;
  isRunning(): boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous on purpose: 'exit' handlers cannot wait, and a leaked apiserver would hold its port.
  const killAll = (): void => {
    for (const c of live) {
      if (c.pid !== undefined) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  };
  process.on('exit', killAll);
  // 'exit' does not run when the test process itself is killed (a timeout, Ctrl-C): clean up then too.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Starts `cmd args` with stdout and stderr appended to `logFile`. */
export function startProc(name: string, cmd: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Proc {
  installExitHook();
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  live.add(child);
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.on('error', () => {
      running = false;
      live.delete(child);
      resolve('spawn-error');
    });
  });
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const kill = async (): Promise<void> => {
    if (!running) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { name, logFile, child, exited, stop, kill, isRunning: () => running };
}

/** The last `lines` lines of a log file, for failure messages. */
export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch (e) {
    return `(no log at ${file}: ${String(e)})`;
  }
}

/** A loopback TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Thrown from a `waitFor` check to stop waiting at once (the awaited thing can no longer happen). */
export class GiveUp extends Error {}

/**
 * Polls `check` until it returns a value other than undefined, or throws with `what` and the last error
 * once `timeoutMs` has passed. The waiting is the test's patience, never its assertion.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? last.message : last === undefined ? 'condition never held' : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
