/**
 * What a KEDA ScaledObject scales on the real node: a Deployment of pause containers (hostNetwork, the
 * only kind of pod this node runs; no ports, so any number fit), and readers for what the cluster's own
 * loops then did: the HPA KEDA made, the Deployment, its pods running on the node.
 */
import * as k8s from '@kubernetes/client-node';
import type { Clients } from '../kube.js';
import { PAUSE_IMAGE } from './config.js';

export interface ClusterApis {
  readonly apps: k8s.AppsV1Api;
  readonly autoscaling: k8s.AutoscalingV2Api;
}

export function clusterApis(c: Clients): ClusterApis {
  return { apps: c.kc.makeApiClient(k8s.AppsV1Api), autoscaling: c.kc.makeApiClient(k8s.AutoscalingV2Api) };
}

/** A Deployment of `replicas` pause pods labelled app=<name>; they carry no burstguard label (not agents). */
export async function createWorkerDeployment(apis: ClusterApis, namespace: string, name: string, replicas: number): Promise<void> {
  const labels = { app: name };
  await apis.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            hostNetwork: true,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 1,
            containers: [{
              name: 'worker',
              image: PAUSE_IMAGE,
              imagePullPolicy: 'Never',
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
            }],
          },
        },
      },
    },
  });
}

/** The Deployment's wanted replicas (spec.replicas). */
export async function deploymentReplicas(apis: ClusterApis, namespace: string, name: string): Promise<number> {
  return (await apis.apps.readNamespacedDeployment({ name, namespace })).spec?.replicas ?? 0;
}

/** Names of the Deployment's pods whose container runs on `node`. */
export async function runningWorkers(core: k8s.CoreV1Api, namespace: string, app: string, node: string): Promise<string[]> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items
    .filter((p) => p.metadata?.deletionTimestamp === undefined && p.spec?.nodeName === node && p.status?.phase === 'Running')
    .filter((p) => p.status?.containerStatuses?.every((c) => c.state?.running !== undefined) === true)
    .map((p) => p.metadata?.name ?? '');
}

/** The HPA KEDA's operator made for a ScaledObject (named keda-hpa-<name> by default), or undefined. */
export async function kedaHpa(apis: ClusterApis, namespace: string, scaledObject: string): Promise<k8s.V2HorizontalPodAutoscaler | undefined> {
  try {
    return await apis.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: `keda-hpa-${scaledObject}`, namespace });
  } catch {
    return undefined;
  }
}

/** An HPA condition as "Type=Status/Reason: message", for assertions and diagnostics. */
export function hpaCondition(hpa: k8s.V2HorizontalPodAutoscaler | undefined, type: string): string | undefined {
  const c = hpa?.status?.conditions?.find((x) => x.type === type);
  return c === undefined ? undefined : `${c.type}=${c.status}/${c.reason ?? ''}: ${c.message ?? ''}`;
}
