/**
 * Every Kubernetes API call burstguard makes, as RBAC sees it. The deploy/ Role must grant exactly
 * these (test/unit/kube/rbac.test.ts checks both directions, and that every client-node method used in
 * src/ is listed in CLIENT_METHODS). Keep this next to the adapters: a new call is a new line here.
 */
export interface ApiCall {
  /** RBAC API group ('' is core). */
  readonly group: string;
  readonly resource: string;
  readonly verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch';
  /** Who calls it, and why. */
  readonly why: string;
  /** Set when the call happens only with an opt-in setting; the default Role leaves it out. */
  readonly optIn?: string;
  /**
   * Set for the one cluster-scoped call: granted by a ClusterRoleBinding (named here), never by the
   * namespace Role. Cluster scope is RBAC's only place for it, not a wider wish.
   */
  readonly clusterRoleBinding?: string;
}

export const API_CALLS: readonly ApiCall[] = [
  { group: '', resource: 'pods', verb: 'list', why: 'pod informer: initial list of the selected agent pods' },
  { group: '', resource: 'pods', verb: 'watch', why: 'pod informer: keeps the view current without re-listing' },
  { group: '', resource: 'pods', verb: 'get', why: 'resize actuator: fresh read (resourceVersion, QoS) before each patch' },
  { group: '', resource: 'pods/resize', verb: 'patch', why: 'resize actuator: in-place resize (strategic merge patch)' },
  { group: '', resource: 'pods', verb: 'patch', why: 'dry-run: recommendation annotation on the pod', optIn: 'run --annotate-pods (Helm dryRun.annotatePods)' },
  { group: '', resource: 'events', verb: 'create', why: 'one core/v1 Event per action and per rejected config' },
  { group: '', resource: 'configmaps', verb: 'get', why: 'config: initial read of the burstguard ConfigMap' },
  { group: '', resource: 'configmaps', verb: 'list', why: 'config: watch of the one ConfigMap (list by field selector)' },
  { group: '', resource: 'configmaps', verb: 'watch', why: 'config: hot reload' },
  { group: 'coordination.k8s.io', resource: 'leases', verb: 'get', why: 'leader election: read the Lease' },
  { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', why: 'leader election: first candidate creates the Lease' },
  { group: 'coordination.k8s.io', resource: 'leases', verb: 'update', why: 'leader election: acquire, renew, release (with resourceVersion); agent-sandbox: the <leaseName>-agent-sandbox Lease remembers raised warm pools\' user values' },
  { group: 'keda.sh', resource: 'scaledobjects', verb: 'list', why: 'ScaledObject informer: initial list' },
  { group: 'keda.sh', resource: 'scaledobjects', verb: 'watch', why: 'ScaledObject informer: kept current' },
  { group: 'keda.sh', resource: 'scaledobjects', verb: 'get', why: 'KEDA actuator: fresh read before each patch' },
  { group: 'keda.sh', resource: 'scaledobjects', verb: 'patch', why: 'KEDA actuator: minReplicaCount merge patch, restore' },
  { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'list', why: 'agent-sandbox: Sandbox informer, initial list (their pod templates)' },
  { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'watch', why: 'agent-sandbox: Sandbox informer, kept current' },
  { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'patch', why: "agent-sandbox: write an applied in-place resize into spec.podTemplate (JSON patch, container resources only)" },
  { group: 'extensions.agents.x-k8s.io', resource: 'sandboxwarmpools/scale', verb: 'get', why: 'agent-sandbox: read a configured SandboxWarmPool\'s spec.replicas each tick' },
  { group: 'extensions.agents.x-k8s.io', resource: 'sandboxwarmpools/scale', verb: 'patch', why: 'agent-sandbox: pre-warm and restore spec.replicas through the scale subresource' },
  { group: 'autoscaling', resource: 'horizontalpodautoscalers', verb: 'list', why: 'agent-sandbox: never fight an HPA that scales a SandboxWarmPool (one list per tick while pools are configured)' },
  {
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    verb: 'create',
    why: 'pre-tool hints: check the pod-bound ServiceAccount token of POST /v1/hints (TokenReview is cluster-scoped)',
    optIn: 'config hints.enabled (Helm hints.enabled)',
    clusterRoleBinding: 'system:auth-delegator',
  },
];

/** The client-node methods burstguard calls, and the API calls they make. */
export const CLIENT_METHODS: Readonly<Record<string, ReadonlyArray<Pick<ApiCall, 'group' | 'resource' | 'verb'>>>> = {
  listNamespacedPod: [{ group: '', resource: 'pods', verb: 'list' }],
  readNamespacedPod: [{ group: '', resource: 'pods', verb: 'get' }],
  patchNamespacedPodResize: [{ group: '', resource: 'pods/resize', verb: 'patch' }],
  patchNamespacedPod: [{ group: '', resource: 'pods', verb: 'patch' }],
  createNamespacedEvent: [{ group: '', resource: 'events', verb: 'create' }],
  readNamespacedConfigMap: [{ group: '', resource: 'configmaps', verb: 'get' }],
  listNamespacedConfigMap: [{ group: '', resource: 'configmaps', verb: 'list' }],
  readNamespacedLease: [{ group: 'coordination.k8s.io', resource: 'leases', verb: 'get' }],
  createNamespacedLease: [{ group: 'coordination.k8s.io', resource: 'leases', verb: 'create' }],
  replaceNamespacedLease: [{ group: 'coordination.k8s.io', resource: 'leases', verb: 'update' }],
  listNamespacedCustomObject: [
    { group: 'keda.sh', resource: 'scaledobjects', verb: 'list' },
    { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'list' },
  ],
  getNamespacedCustomObject: [{ group: 'keda.sh', resource: 'scaledobjects', verb: 'get' }],
  patchNamespacedCustomObject: [
    { group: 'keda.sh', resource: 'scaledobjects', verb: 'patch' },
    { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'patch' },
  ],
  getNamespacedCustomObjectScale: [{ group: 'extensions.agents.x-k8s.io', resource: 'sandboxwarmpools/scale', verb: 'get' }],
  patchNamespacedCustomObjectScale: [{ group: 'extensions.agents.x-k8s.io', resource: 'sandboxwarmpools/scale', verb: 'patch' }],
  listNamespacedHorizontalPodAutoscaler: [{ group: 'autoscaling', resource: 'horizontalpodautoscalers', verb: 'list' }],
  createTokenReview: [{ group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' }],
  // makeInformer and `new Watch`: a watch on the path they are given (pods, scaledobjects, configmaps).
  makeInformer: [
    { group: '', resource: 'pods', verb: 'watch' },
    { group: 'keda.sh', resource: 'scaledobjects', verb: 'watch' },
    { group: 'agents.x-k8s.io', resource: 'sandboxes', verb: 'watch' },
    { group: '', resource: 'configmaps', verb: 'watch' },
  ],
  Watch: [{ group: '', resource: 'configmaps', verb: 'watch' }],
  ListWatch: [{ group: '', resource: 'configmaps', verb: 'watch' }],
};
