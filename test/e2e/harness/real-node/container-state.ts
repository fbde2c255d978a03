/**
 * A running container's real state, read where the kernel keeps it: its processes from the kubelet's
 * cgroup folder, and for a process its ids, privileges and mounts from /proc. What a pod spec asks for
 * (runAsUser, readOnlyRootFilesystem, dropped capabilities) is checked here as the runtime applied it.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';

/** The cgroup v1 memory folder of container `name` of a pod, if it runs. */
export function containerCgroup(pod: k8s.V1Pod, name: string): string | undefined {
  const uid = pod.metadata?.uid;
  const id = pod.status?.containerStatuses?.find((c) => c.name === name)?.containerID?.replace(/^[a-z]+:\/\//, '');
  if (uid === undefined || id === undefined) return undefined;
  const qos = (pod.status?.qosClass ?? 'Burstable').toLowerCase();
  const dir = `/sys/fs/cgroup/memory/kubepods${qos === 'guaranteed' ? '' : `/${qos}`}/pod${uid}/${id}`;
  return existsSync(dir) ? dir : undefined;
}

/** PIDs (in this machine's PID namespace) of the processes of container `name`. */
export function containerPids(pod: k8s.V1Pod, name: string): number[] {
  const dir = containerCgroup(pod, name);
  if (dir === undefined) throw new Error(`${pod.metadata?.name ?? '?'} has no running container ${name}`);
  return readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter((l) => l !== '').map(Number);
}

export interface ProcessState {
  /** Real, effective, saved, filesystem ids. */
  readonly uids: number[];
  readonly gids: number[];
  readonly noNewPrivs: boolean;
  readonly effectiveCaps: bigint;
  /** 0 none, 1 strict, 2 filter. */
  readonly seccomp: number;
  readonly cmdline: string[];
  /** Per-mount options (e.g. ["ro", "relatime"]) by mount point, as the process sees its mounts. */
  readonly mounts: ReadonlyMap<string, readonly string[]>;
}

function statusField(status: string, key: string): string {
  const line = status.split('\n').find((l) => l.startsWith(`${key}:`));
  if (line === undefined) throw new Error(`/proc status has no ${key}`);
  return line.slice(key.length + 1).trim();
}

/** mountinfo lines: "id parent maj:min root mountpoint options ...". Later mounts over a point win. */
export function parseMountinfo(text: string): Map<string, string[]> {
  const mounts = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 6 || f[4] === undefined || f[5] === undefined) continue;
    mounts.set(f[4].replace(/\\040/g, ' '), f[5].split(','));
  }
  return mounts;
}

export function processState(pid: number): ProcessState {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const ids = (k: string): number[] => statusField(status, k).split(/\s+/).map(Number);
  return {
    uids: ids('Uid'),
    gids: ids('Gid'),
    noNewPrivs: statusField(status, 'NoNewPrivs') === '1',
    effectiveCaps: BigInt(`0x${statusField(status, 'CapEff')}`),
    seccomp: Number(statusField(status, 'Seccomp')),
    cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== ''),
    mounts: parseMountinfo(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')),
  };
}

/**
 * A /proc/net/tcp{,6} address ("0100007F:1F90") as "127.0.0.1:8080" or "[::1]:8080". The kernel prints
 * the address as 32-bit words in host byte order (little-endian here), the port big-endian.
 */
export function procNetAddress(hex: string): string {
  const [addr = '', port = ''] = hex.split(':');
  const bytes = (addr.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  const p = parseInt(port, 16);
  if (bytes.length === 4) return `${bytes.join('.')}:${p}`;
  const groups = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16));
  // URL compresses the address the usual way (::1).
  return `${new URL(`http://[${groups.join(':')}]/`).hostname}:${p}`;
}

/**
 * The TCP sockets process `pid` listens on, as "address:port": the socket inodes among its open files,
 * looked up in the tables of its network namespace (for a hostNetwork pod, the node's, holding every
 * socket of the machine: only the process's own count).
 */
export function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1] !== undefined) inodes.add(m[1]);
  }
  const listening: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const path = `/proc/${pid}/net/${table}`;
    if (!existsSync(path)) continue; // a kernel without IPv6
    // Columns: sl local_address rem_address st ... inode (10th); st 0A is LISTEN.
    for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && f[1] !== undefined && f[9] !== undefined && inodes.has(f[9])) listening.push(procNetAddress(f[1]));
    }
  }
  return listening.sort();
}
