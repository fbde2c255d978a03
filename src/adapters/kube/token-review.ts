import { AuthenticationV1Api, type KubeConfig, type V1TokenReview } from '@kubernetes/client-node';
import { err, ok } from '../../core/result.js';
import type { TokenIdentity, TokenReviewer } from '../../runtime/hints.js';

/** The claim a pod-bound projected token carries in a TokenReview's user.extra. */
export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';

/**
 * The TokenReviewer over authentication.k8s.io/v1 TokenReview (create; cluster-scoped, granted by the
 * system:auth-delegator ClusterRoleBinding in deploy/). The token never reaches a log line.
 */
export function kubeTokenReviewer(kc: KubeConfig): TokenReviewer {
  const api = kc.makeApiClient(AuthenticationV1Api);
  return {
    async review(token, audiences) {
      const body: V1TokenReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...audiences] } };
      try {
        return ok(identityOf(await api.createTokenReview({ body })));
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        return err(`TokenReview failed${typeof code === 'number' ? ` (HTTP ${code})` : ''}`);
      }
    },
  };
}

export function identityOf(r: V1TokenReview): TokenIdentity {
  const s = r.status ?? {};
  const pod = s.user?.extra?.[POD_NAME_EXTRA]?.[0];
  return {
    authenticated: s.authenticated === true,
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.user?.username !== undefined ? { username: s.user.username } : {}),
    ...(pod !== undefined ? { podName: pod } : {}),
    ...(s.audiences !== undefined ? { audiences: s.audiences } : {}),
  };
}
