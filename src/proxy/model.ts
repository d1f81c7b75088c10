/**
 * The proxy's view of the cluster: one ServicePort per port of a Service that the proxy
 * programs, with the endpoints that serve it, and the node-wide settings the rules are
 * rendered with. Everything the rule renderer needs and nothing from the API objects
 * themselves, so rendering stays a pure function of this model. Pure.
 */

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One backend of a service port, as an EndpointSlice states it. */
export interface Endpoint {
  ip: string;
  port: number;
  /** Ready to receive new traffic (conditions.ready, true when unset). */
  ready: boolean;
  /** Serving regardless of terminating (conditions.serving, `ready` when unset). */
  serving: boolean;
  terminating: boolean;
  /** On this node (endpoints[].nodeName). */
  local: boolean;
}

export interface ServicePort {
  /** `namespace/name` of the Service. */
  service: string;
  namespace: string;
  name: string;
  /** The Service port's name ('' for an unnamed single port). */
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0: none. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip with ipMode VIP (or unset). */
  loadBalancerIPs: string[];
  /** sessionAffinity ClientIP: the timeout in seconds; 0 without affinity. */
  affinitySeconds: number;
  /** internalTrafficPolicy Local. */
  internalLocal: boolean;
  /** externalTrafficPolicy Local (only for externally reachable ports). */
  externalLocal: boolean;
  /** spec.healthCheckNodePort for externalTrafficPolicy Local LoadBalancers; 0: none. */
  healthCheckNodePort: number;
  /** Every endpoint of the port, sorted by address and port. */
  endpoints: Endpoint[];
}

/** Node-wide settings of the rules. */
export interface RuleConfig {
  /** The nftables table (family ip). */
  table: string;
  /** Pod addresses of the whole cluster: sources from elsewhere are masqueraded. */
  clusterCIDR: string;
  /** The Service range: addresses in it that are no Service are dropped. */
  serviceCIDR: string;
  /** Addresses that accept NodePort traffic (the node's addresses and 127.0.0.1). */
  nodePortIPs: string[];
  /** The packet mark bit that asks for masquerading, e.g. 0x4000. */
  masqueradeMark: string;
}

/** Whether the port is reachable from outside the cluster: NodePort, LoadBalancer IP or external IP. */
export function externallyAccessible(sp: ServicePort): boolean {
  return sp.nodePort > 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}

/** Whether any traffic to the port goes to endpoints on any node (internal Cluster, or external at all). */
export function usesClusterEndpoints(sp: ServicePort): boolean {
  return !sp.internalLocal || externallyAccessible(sp);
}

/** Whether any traffic to the port is restricted to this node's endpoints. */
export function usesLocalEndpoints(sp: ServicePort): boolean {
  return sp.internalLocal || (sp.externalLocal && externallyAccessible(sp));
}
