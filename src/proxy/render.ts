/**
 * The nftables objects of one Service: its chains with their rules, its session affinity
 * sets, its elements in the table's shared sets and maps, and the ClusterIPs that need a
 * local route. The dispatch follows kube-proxy's nftables layout:
 *
 *   services:   daddr . proto . port  -> ClusterIP: `service-` (or `local-`) chain,
 *                                        external/LB IP: `external-` chain
 *               nodeport-ips . proto . port -> `external-` chain
 *   service-/local-: masquerade off-cluster sources to the ClusterIP, then DNAT to
 *               `numgen random mod N` of the endpoints
 *   external-:  masquerade (Cluster policy) or keep the source (Local policy, with pods
 *               and the node itself short-circuited to the Cluster chain)
 *
 * Unlike kube-proxy, a Service without session affinity has no chain per endpoint: the
 * random pick indexes an anonymous map of `address . port` that `dnat` reads directly.
 * The kernel re-validates every jump path of the table on each commit, so thousands of
 * endpoint chains would make every change slow; with maps a change costs a few
 * milliseconds at 1,000 Services. Hairpin traffic (a pod reaching itself through its
 * Service) is masqueraded by one rule matching `saddr . daddr` against the `hairpin`
 * set of `endpoint . endpoint` pairs. ClientIP affinity keeps kube-proxy's form: a
 * `numgen ... vmap` to per-endpoint chains that record the client in a timed set
 * (`update @affinity-...`) and DNAT, preceded by one lookup per endpoint set.
 *
 * A port without usable endpoints gets no chains: its addresses go to the
 * no-endpoint maps, which reject (none anywhere) or drop (none on this node under the
 * Local policy). Pure.
 */
import { categorize } from './categorize.js';
import type { Endpoint, RuleConfig, ServicePort } from './model.js';
import { externallyAccessible, usesClusterEndpoints } from './model.js';
import { affinitySet, clusterChain, endpointChain, externalChain, localChain } from './names.js';

/** The table's shared sets and maps that services add elements to. */
export type SharedSet =
  | 'nodeport-ips'
  | 'cluster-ips'
  | 'hairpin'
  | 'service-ips'
  | 'service-nodeports'
  | 'no-endpoint-services'
  | 'no-endpoint-nodeports';

export interface Element {
  set: SharedSet;
  key: string;
  /** The verdict of a map element; '' in a plain set. */
  value: string;
}

export interface Rendered {
  /** Chain name -> its rules, in order. */
  chains: Map<string, string[]>;
  /** Affinity set name -> its declaration. */
  sets: Map<string, string>;
  elements: Element[];
  /** ClusterIPs to route to the node's bridge. */
  vips: string[];
}

export const MARK_FOR_MASQUERADE = 'mark-for-masquerade';
export const REJECT_CHAIN = 'reject-chain';

export function emptyRendered(): Rendered {
  return { chains: new Map(), sets: new Map(), elements: [], vips: [] };
}

function affinityDecl(seconds: number): string {
  return `{ type ipv4_addr ; flags dynamic,timeout ; timeout ${seconds}s ; }`;
}

/** Rules that pick one of `eps`: by affinity through endpoint chains, else by a DNAT map. */
function balance(sp: ServicePort, eps: Endpoint[]): string[] {
  if (sp.affinitySeconds > 0) {
    const rules = eps.map((ep) => `ip saddr @${affinitySet(sp, ep)} goto ${endpointChain(sp, ep)}`);
    const arms = eps.map((ep, i) => `${i} : goto ${endpointChain(sp, ep)}`).join(', ');
    rules.push(`numgen random mod ${eps.length} vmap { ${arms} }`);
    return rules;
  }
  const [only] = eps;
  if (eps.length === 1 && only) return [`meta l4proto ${sp.protocol} dnat to ${only.ip}:${only.port}`];
  const arms = eps.map((ep, i) => `${i} : ${ep.ip} . ${ep.port}`).join(', ');
  return [`meta l4proto ${sp.protocol} dnat ip to numgen random mod ${eps.length} map { ${arms} }`];
}

/** Adds the objects of one service port to `out`. */
export function renderPort(cfg: RuleConfig, sp: ServicePort, out: Rendered): void {
  const { cluster, local, reachable, hasAny } = categorize(sp);
  const proto = sp.protocol;
  const key = (ip: string) => `${ip} . ${proto} . ${sp.port}`;
  const cChain = clusterChain(sp);
  const lChain = localChain(sp);
  const xChain = externalChain(sp);
  const hasInternal = hasAny && (!sp.internalLocal || local.length > 0);
  const hasExternal = hasAny && (!sp.externalLocal || local.length > 0);
  const internalChain = sp.internalLocal ? lChain : cChain;
  const externalPolicyChain = sp.externalLocal ? lChain : cChain;
  const usesExternal = hasAny && externallyAccessible(sp);
  // Verdict where no endpoint may serve: none anywhere rejects, none local drops.
  const none = hasAny ? 'drop' : `goto ${REJECT_CHAIN}`;

  out.vips.push(sp.clusterIP);
  out.elements.push({ set: 'cluster-ips', key: sp.clusterIP, value: '' });
  if (hasInternal)
    out.elements.push({ set: 'service-ips', key: key(sp.clusterIP), value: `goto ${internalChain}` });
  else out.elements.push({ set: 'no-endpoint-services', key: key(sp.clusterIP), value: none });
  for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
    if (hasAny) out.elements.push({ set: 'service-ips', key: key(ip), value: `goto ${xChain}` });
    if (!hasExternal) out.elements.push({ set: 'no-endpoint-services', key: key(ip), value: none });
  }
  if (sp.nodePort > 0) {
    const npKey = `${proto} . ${sp.nodePort}`;
    if (hasAny) out.elements.push({ set: 'service-nodeports', key: npKey, value: `goto ${xChain}` });
    if (!hasExternal) out.elements.push({ set: 'no-endpoint-nodeports', key: npKey, value: none });
  }

  if (sp.affinitySeconds > 0)
    for (const ep of reachable) out.sets.set(affinitySet(sp, ep), affinityDecl(sp.affinitySeconds));

  if (cluster.length > 0 && usesClusterEndpoints(sp)) {
    const rules: string[] = [];
    if (!sp.internalLocal)
      rules.push(
        `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${cfg.clusterCIDR} jump ${MARK_FOR_MASQUERADE}`,
      );
    out.chains.set(cChain, [...rules, ...balance(sp, cluster)]);
  }
  if (local.length > 0) {
    const rules: string[] = [];
    if (sp.internalLocal)
      rules.push(
        `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${cfg.clusterCIDR} jump ${MARK_FOR_MASQUERADE}`,
      );
    out.chains.set(lChain, [...rules, ...balance(sp, local)]);
  }
  if (usesExternal) {
    const rules: string[] = [];
    if (!sp.externalLocal) {
      rules.push(`jump ${MARK_FOR_MASQUERADE}`);
    } else {
      rules.push(`ip saddr ${cfg.clusterCIDR} goto ${cChain}`);
      rules.push(`fib saddr type local jump ${MARK_FOR_MASQUERADE}`);
      rules.push(`fib saddr type local goto ${cChain}`);
    }
    if (hasExternal) rules.push(`goto ${externalPolicyChain}`);
    out.chains.set(xChain, rules);
  }
  for (const ep of reachable) {
    out.elements.push({ set: 'hairpin', key: `${ep.ip} . ${ep.ip}`, value: '' });
    if (sp.affinitySeconds > 0)
      out.chains.set(endpointChain(sp, ep), [
        `update @${affinitySet(sp, ep)} { ip saddr }`,
        `meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`,
      ]);
  }
}

/** The objects of every port of one Service. */
export function renderService(cfg: RuleConfig, ports: ServicePort[]): Rendered {
  const out = emptyRendered();
  for (const sp of ports) renderPort(cfg, sp, out);
  out.vips = [...new Set(out.vips)];
  const seen = new Set<string>();
  out.elements = out.elements.filter((e) => {
    const id = `${e.set} ${e.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return out;
}
