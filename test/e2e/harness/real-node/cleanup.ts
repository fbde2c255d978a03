/**
 * Leaving the machine as it was after a real node: processes found by PID (those that joined the node's
 * mount namespace, those inside the cgroups the kubelet made), and the kubelet's cgroup folders removed.
 * Never by process name: other work shares the machine.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** Folders the kubelet (kubepods) and containerd's CRI (k8s.io) create at the top of each hierarchy. */
const NODE_CGROUPS = ['kubepods', 'k8s.io'] as const;

/** The mount namespace of a process (e.g. "mnt:[4026532001]"), or undefined once it is gone. */
export function mountNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** PIDs of every process in mount namespace `ns` (containerd's shims included), except `except`. */
export function pidsInMountNamespace(ns: string, except: readonly number[] = []): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (!except.includes(pid) && mountNamespaceOf(pid) === ns) out.push(pid);
  }
  return out;
}

/** The node's cgroup folders that exist now, across the cgroup v1 hierarchies (and cgroup2 if mounted). */
export function nodeCgroupDirs(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const dirs: string[] = [];
  for (const h of readdirSync(CGROUP_ROOT)) {
    for (const n of NODE_CGROUPS) {
      const d = join(CGROUP_ROOT, h, n);
      if (existsSync(d)) dirs.push(d);
    }
  }
  return dirs;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir).map((n) => join(dir, n)).filter((p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** PIDs in a cgroup folder and all below it. */
export function pidsInCgroup(dir: string): number[] {
  let pids: number[] = [];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((l) => l !== '').map(Number);
  } catch {
    /* gone already */
  }
  return pids.concat(...subdirs(dir).map(pidsInCgroup));
}

export function killPids(pids: readonly number[]): void {
  for (const pid of new Set(pids)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Removes a cgroup folder tree, deepest first (cgroupfs removes a folder with rmdir, control files and all). */
export function removeCgroupTree(dir: string): boolean {
  for (const d of subdirs(dir)) removeCgroupTree(d);
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return !existsSync(dir);
  }
}

/**
 * Kills what is still inside the node's new cgroup folders and removes them (folders that existed
 * before the node started, `before`, are left alone). Retries while killed processes finish exiting.
 * Returns the folders that could not be removed.
 */
export async function removeNodeCgroups(before: readonly string[]): Promise<string[]> {
  const ours = nodeCgroupDirs().filter((d) => !before.includes(d));
  let left = ours;
  for (let attempt = 0; attempt < 20 && left.length > 0; attempt++) {
    killPids(left.flatMap(pidsInCgroup));
    left = left.filter((d) => !removeCgroupTree(d));
    if (left.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return left;
}
