/**
 * Names of the proxy's nftables objects. Per-service chains and sets carry the service
 * port (and endpoint) they belong to, readable in `nft list table`, behind a short hash
 * of the whole name so that similar names stay easy to tell apart and a name cut to the
 * length limit stays unique. Pure.
 */
import type { Endpoint, ServicePort } from './model.js';

/** nftables object names may be up to 256 bytes; stay well below. */
const MAX_NAME = 200;

/** FNV-1a over the string's UTF-16 code units, as 8 upper-case hex digits. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}

function hashed(prefix: string, base: string): string {
  const name = `${prefix}-${shortHash(`${prefix}/${base}`)}-${base}`;
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 3)}...` : name;
}

/** `namespace/name/protocol/portName`: the service port's identity. */
export function portId(sp: ServicePort): string {
  return `${sp.namespace}/${sp.name}/${sp.protocol}/${sp.portName}`;
}

function endpointId(sp: ServicePort, ep: Endpoint): string {
  return `${portId(sp)}__${ep.ip}/${ep.port}`;
}

/** Picks one endpoint for traffic under the Cluster policy. */
export const clusterChain = (sp: ServicePort) => hashed('service', portId(sp));
/** Picks one of this node's endpoints for traffic under the Local policy. */
export const localChain = (sp: ServicePort) => hashed('local', portId(sp));
/** Entry of NodePort, LoadBalancer and external IP traffic. */
export const externalChain = (sp: ServicePort) => hashed('external', portId(sp));
/** DNATs to one endpoint. */
export const endpointChain = (sp: ServicePort, ep: Endpoint) => hashed('endpoint', endpointId(sp, ep));
/** Client addresses that stick to one endpoint; the timeout is part of the name. */
export const affinitySet = (sp: ServicePort, ep: Endpoint) =>
  hashed('affinity', `${endpointId(sp, ep)}/${sp.affinitySeconds}`);

/** The proxy's table for the node whose pod bridge is `bridge` (`k8ts` + 8 hex digits). */
export function proxyTableName(bridge: string): string {
  return `k8ts-proxy-${bridge.replace(/^k8ts/, '')}`;
}
