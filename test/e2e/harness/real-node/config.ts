/**
 * The real node's configuration files, as pure functions of its folder and ports (settings and the
 * reasons for each: ../shared/reference/real-node.md, docs/e2e.md "The real node").
 */

export const PAUSE_IMAGE = 'burstguard.local/pause:e2e';
export const AGENT_IMAGE = 'burstguard.local/agent:e2e';

/** Where everything of one node lives (all under its temporary folder, none in the machine's /run or /var). */
export interface NodePaths {
  readonly dir: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly socket: string;
  readonly cniBin: string;
  readonly cniConf: string;
  readonly kubeletRoot: string;
  readonly podLogs: string;
}

export function nodePaths(dir: string): NodePaths {
  return {
    dir,
    containerdRoot: `${dir}/containerd/root`,
    containerdState: `${dir}/containerd/state`,
    socket: `${dir}/containerd/containerd.sock`,
    cniBin: `${dir}/cni/bin`,
    cniConf: `${dir}/cni/conf`,
    kubeletRoot: `${dir}/kubelet`,
    podLogs: `${dir}/pod-logs`,
  };
}

/** containerd 1.6 config (version 2): private sockets and folders, the local pause image, no registry. */
export function containerdConfig(p: NodePaths): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = "${p.containerdRoot}"
state = "${p.containerdState}"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${p.socket}"
[ttrpc]
  address = "${p.socket}.ttrpc"

[${cri}]
  sandbox_image = "${PAUSE_IMAGE}"
  enable_selinux = false
  disable_apparmor = true
  # The machine lacks CAP_SYS_RESOURCE: runc could not set the sandbox's oom_score_adj of -998.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "/usr/sbin/runc"
  [${cri}.cni]
    bin_dir = "${p.cniBin}"
    conf_dir = "${p.cniConf}"
  [${cri}.registry]
    config_path = ""
`;
}

/**
 * A CNI config naming a plugin that need not exist: the runtime then reports its network ready and the
 * node goes Ready. Only hostNetwork pods can run (each agent gets its own port).
 */
export const CNI_STUB = JSON.stringify({ cniVersion: '0.4.0', name: 'hostnetwork-only', plugins: [{ type: 'hostnetwork-only-no-such-plugin' }] });

export interface KubeletSettings {
  readonly port: number;
  readonly healthzPort: number;
  /** Memory left to pods: the rest of the machine is system-reserved, and the kubepods cgroup is capped there. */
  readonly allocatableMemBytes: number;
  readonly machineMemBytes: number;
}

/** KubeletConfiguration v1beta1 for a test node (anonymous + AlwaysAllow on loopback: test only). */
export function kubeletConfig(p: NodePaths, s: KubeletSettings): Record<string, unknown> {
  const reservedMi = Math.max(0, Math.floor((s.machineMemBytes - s.allocatableMemBytes) / 2 ** 20));
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: 'cgroupfs',
    // 1.35+ refuses cgroup v1 unless told; these machines have v1 hierarchies.
    failCgroupV1: false,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${p.socket}`,
    address: '127.0.0.1',
    port: s.port,
    healthzBindAddress: '127.0.0.1',
    healthzPort: s.healthzPort,
    readOnlyPort: 0,
    authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
    podLogsDir: p.podLogs,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '3%', 'imagefs.available': '3%' },
    imageGCHighThresholdPercent: 99,
    imageGCLowThresholdPercent: 98,
    systemReserved: { memory: `${reservedMi}Mi` },
    enforceNodeAllocatable: ['pods'],
    nodeStatusUpdateFrequency: '2s',
    maxPods: 40,
    serializeImagePulls: false,
  };
}

/** The /proc/sys entries the kubelet writes on start; each gets a file holding its current value. */
export const GUARDED_SYSCTLS = [
  'vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops', 'kernel/keys/root_maxkeys', 'kernel/keys/root_maxbytes',
] as const;

/**
 * The script run under `unshare --mount --propagation private`: it hides the machine's sysctls, /run,
 * /var/log and /var/lib from what runs in the namespace, says it is ready, and then holds the namespace
 * (containerd and the kubelet join it with nsenter). Nothing is mounted outside it.
 */
export function namespaceScript(p: NodePaths): string {
  const lines = [
    'set -eu',
    `mkdir -p '${p.dir}/sysctl'`,
    ...GUARDED_SYSCTLS.map((k) => {
      const f = `${p.dir}/sysctl/${k.replace(/\//g, '.')}`;
      return `if [ -e /proc/sys/${k} ]; then cat /proc/sys/${k} > '${f}'; mount --bind '${f}' /proc/sys/${k}; fi`;
    }),
    'mount -t tmpfs tmpfs /run',
    'mount -t tmpfs tmpfs /var/log',
    'mount -t tmpfs tmpfs /var/lib',
    `touch '${p.dir}/ns-ready'`,
    'exec sleep infinity',
  ];
  return `${lines.join('\n')}\n`;
}
