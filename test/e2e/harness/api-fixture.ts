import { after, before } from 'node:test';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { adminKubeConfig, clients, createNamespace, type Clients } from './kube.js';

/** What a describe block that needs only the API server works with; set once its before() has run. */
export interface ApiFixture {
  readonly cp: ControlPlane;
  readonly admin: Clients;
  readonly ns: string;
}

/**
 * Registers, in the calling describe block, a before hook that starts a control plane with admin
 * clients and one namespace (named from `nsPrefix`), and an after hook that stops it.
 */
export function withControlPlane(nsPrefix: string): ApiFixture {
  const f: Partial<{ cp: ControlPlane; admin: Clients; ns: string }> = {};
  before(async () => {
    f.cp = await startControlPlane();
    f.admin = clients(adminKubeConfig(f.cp));
    f.ns = await createNamespace(f.admin.core, nsPrefix);
  });
  after(async () => {
    await f.cp?.stop();
  });
  return f as ApiFixture;
}
