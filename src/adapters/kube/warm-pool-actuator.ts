/**
 * Writes a SandboxWarmPool's spec.replicas through its scale subresource (sandboxwarmpools/scale), the
 * way an HPA would: RBAC grants burstguard that field and nothing else of the pool. The write carries
 * the resourceVersion of the read the plan was made on, so a pool changed in between answers 409 and
 * the next tick plans again; what the API server kept is read back from the answer.
 */
import { err, ok, type Result } from '../../core/result.js';
import type { Scale } from './agent-sandbox.js';
import { apiFailure, type ApiFailure } from './api-errors.js';
import type { WarmPoolScaleApi } from './apis.js';
import type { WarmPoolAction, WarmPoolView } from './warm-pool-plan.js';

/** Reads a pool's scale: its view, undefined when there is no such pool (404), or the failure. */
export async function readWarmPool(api: WarmPoolScaleApi, namespace: string, name: string): Promise<Result<WarmPoolView | undefined, ApiFailure>> {
  let s: Scale;
  try {
    s = await api.read(namespace, name);
  } catch (e) {
    const f = apiFailure(e);
    return f.status === 404 ? ok(undefined) : err(f);
  }
  const rv = s.metadata?.resourceVersion;
  // spec.replicas defaults to 1 in the CRD; an absent value reads as that default.
  return ok({ ref: { namespace, name }, replicas: s.spec?.replicas ?? 1, ...(rv !== undefined ? { resourceVersion: rv } : {}) });
}

/** The outcome: applied, or the failure with its HTTP status (409: changed since the read). */
export async function applyWarmPool(api: WarmPoolScaleApi, a: WarmPoolAction): Promise<Result<number, ApiFailure>> {
  const body = { ...(a.resourceVersion !== undefined ? { metadata: { resourceVersion: a.resourceVersion } } : {}), spec: { replicas: a.replicas } };
  let after: Scale;
  try {
    after = await api.patch(a.pool.namespace, a.pool.name, body);
  } catch (e) {
    return err(apiFailure(e));
  }
  const kept = after.spec?.replicas;
  return kept === a.replicas ? ok(kept) : err({ message: `the API server kept spec.replicas=${String(kept)}, not ${a.replicas}` });
}
