/**
 * The PromQL a recording sends: the controller's own queries (src/adapters/prometheus/queries.ts,
 * with the ConfigMap's overrides, metric names and labels), except memory and CPU, which a trace
 * needs per *pod* rather than per managed container.
 *
 * cAdvisor exports, per pod, one series per container, one for the pause container (container="POD")
 * and one for the pod-level cgroup (container=""), which already holds the sum of the others. Summing
 * all of them would count the pod twice or more; taking the max across containers (as the controller
 * does for the one container it resizes) would miss sidecars. So: only real containers, first reduced
 * to one series per (pod, container) (a restarted container briefly has two cgroups, and a kubelet
 * scraped by two jobs gives two copies), then summed by pod.
 */
import type { PrometheusConfig } from '../../../src/config/types.js';
import { renderQueries, type Signal } from '../../../src/adapters/prometheus/queries.js';

const REAL_CONTAINERS = 'container!="",container!="POD"';

const POD_MEMORY =
  `sum by ({podLabel}) (max by ({podLabel}, container) (max_over_time(container_memory_working_set_bytes{{namespaceLabel}="{namespace}",${REAL_CONTAINERS}}[{step}])))`;
const POD_CPU =
  `sum by ({podLabel}) (max by ({podLabel}, container) (rate(container_cpu_usage_seconds_total{{namespaceLabel}="{namespace}",${REAL_CONTAINERS}}[{rateWindow}])))`;

/** Every signal's query for one namespace and step; the ConfigMap's own overrides still win. */
export function recordQueries(cfg: PrometheusConfig, namespace: string, stepS: number): Readonly<Record<Signal, string>> {
  const queries = {
    ...cfg.queries,
    memory: cfg.queries.memory !== '' ? cfg.queries.memory : POD_MEMORY,
    cpu: cfg.queries.cpu !== '' ? cfg.queries.cpu : POD_CPU,
  };
  // Container '' is ignored: memory and CPU are the pod's own templates above.
  return renderQueries({ ...cfg, queries }, '', { namespace, stepS });
}
