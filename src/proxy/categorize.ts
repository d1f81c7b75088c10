/**
 * Which endpoints of a service port traffic may go to, by traffic policy: ready
 * endpoints, falling back (separately for the Cluster and the Local policy) to endpoints
 * that are terminating but still serving when none is ready. Topology hints are not
 * read: every usable endpoint of the cluster counts. Pure.
 */
import { type Endpoint, type ServicePort, usesClusterEndpoints, usesLocalEndpoints } from './model.js';

export interface Categorized {
  /** Endpoints for Cluster-policy traffic (empty when the port never uses that policy). */
  cluster: Endpoint[];
  /** This node's endpoints for Local-policy traffic (empty when the port never uses it). */
  local: Endpoint[];
  /** The union of both: every endpoint that needs a chain on this node. */
  reachable: Endpoint[];
  /** Whether the port has a usable endpoint anywhere in the cluster. */
  hasAny: boolean;
}

const servingTerminating = (e: Endpoint) => e.serving && e.terminating;

export function categorize(sp: ServicePort): Categorized {
  const eps = sp.endpoints;
  const hasAny = eps.some((e) => e.ready || servingTerminating(e));
  let cluster: Endpoint[] = [];
  if (usesClusterEndpoints(sp)) {
    cluster = eps.filter((e) => e.ready);
    if (cluster.length === 0) cluster = eps.filter(servingTerminating);
  }
  let local: Endpoint[] = [];
  if (usesLocalEndpoints(sp)) {
    local = eps.filter((e) => e.local && e.ready);
    if (local.length === 0) local = eps.filter((e) => e.local && servingTerminating(e));
  }
  const seen = new Set<string>();
  const reachable: Endpoint[] = [];
  for (const e of eps) {
    const id = `${e.ip}:${e.port}`;
    if (seen.has(id) || !(cluster.includes(e) || local.includes(e))) continue;
    seen.add(id);
    reachable.push(e);
  }
  return { cluster, local, reachable, hasAny };
}
