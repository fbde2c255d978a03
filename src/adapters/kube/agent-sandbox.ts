/**
 * kubernetes-sigs/agent-sandbox coordinates and the fields burstguard reads, checked against the
 * pinned module sigs.k8s.io/agent-sandbox v1.0.1 (k8s/crds/*.yaml; tools/fetch-agent-sandbox-crds.sh):
 * Sandbox is agents.x-k8s.io/v1beta1 (plural sandboxes), SandboxWarmPool is
 * extensions.agents.x-k8s.io/v1beta1 (plural sandboxwarmpools) with a scale subresource on
 * .spec.replicas / .status.replicas / .status.selector. Only v1beta1 is served by that module's CRDs.
 */

export const SANDBOX = { group: 'agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxes', kind: 'Sandbox' } as const;
export const WARM_POOL = { group: 'extensions.agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxwarmpools', kind: 'SandboxWarmPool' } as const;

/** A container of a Sandbox's pod template, as much as burstguard reads and writes. */
export interface SandboxContainer {
  readonly name?: string;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
    readonly [k: string]: unknown;
  };
}

/** The fields of a Sandbox burstguard reads; everything else passes through untouched. */
export interface Sandbox {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  };
  readonly spec?: {
    readonly operatingMode?: string;
    readonly podTemplate?: { readonly spec?: { readonly containers?: readonly SandboxContainer[] } };
  };
}

/** autoscaling/v1 Scale, as the scale subresource answers. */
export interface Scale {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string };
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly replicas?: number; readonly selector?: string };
}
