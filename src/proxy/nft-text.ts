/**
 * The text of nftables transactions (`nft -f -` input) for the proxy's table: its
 * skeleton (base chains hooked into netfilter, helper chains, shared sets and maps) and
 * the commands that add, refill, empty and delete chains, sets and elements. Every
 * command names the table explicitly, so a transaction never touches another table.
 *
 * The base chains (priorities around dstnat, -100, written as numbers because nft 1.0.6
 * accepts the name `dstnat` only on the prerouting hook):
 *   filter-prerouting  (prerouting, -110): drop packets to 127.0.0.0/8 that did not
 *       arrive on lo (route_localnet is on for the pod bridge, so this guard is needed,
 *       like kube-proxy's CVE-2020-8558 rule); reject new connections to services without
 *       endpoints before routing, so forwarded traffic is refused at once
 *   filter-output      (output, -110): the same reject for the node's own traffic
 *   filter-forward (-110) / filter-output-post-dnat (-90): a ClusterIP on a port that is no service
 *       port is rejected; any other address of the Service range is dropped
 *   nat-prerouting / nat-output (-100): dispatch through `services`
 *   nat-postrouting    (100): masquerade what was marked, DNATed traffic sent back to
 *       its own source (hairpin), and DNATed traffic from 127.0.0.0/8 that leaves
 *       through another device than lo
 * Pure.
 */
import type { RuleConfig } from './model.js';
import { type Element, MARK_FOR_MASQUERADE, REJECT_CHAIN, type SharedSet } from './render.js';

interface BaseChain {
  name: string;
  spec: string;
}

const BASE_CHAINS: BaseChain[] = [
  { name: 'filter-prerouting', spec: 'type filter hook prerouting priority -110 ;' },
  { name: 'filter-output', spec: 'type filter hook output priority -110 ;' },
  { name: 'filter-forward', spec: 'type filter hook forward priority -110 ;' },
  { name: 'filter-output-post-dnat', spec: 'type filter hook output priority -90 ;' },
  { name: 'nat-prerouting', spec: 'type nat hook prerouting priority -100 ;' },
  { name: 'nat-output', spec: 'type nat hook output priority -100 ;' },
  { name: 'nat-postrouting', spec: 'type nat hook postrouting priority 100 ;' },
];

const HELPER_CHAINS = [
  'services',
  'endpoints-check',
  'cluster-ips-check',
  'masquerading',
  MARK_FOR_MASQUERADE,
  REJECT_CHAIN,
];

/** The shared sets and maps, in declaration order. */
const SHARED: [SharedSet, string][] = [
  ['nodeport-ips', '{ type ipv4_addr ; }'],
  ['cluster-ips', '{ type ipv4_addr ; }'],
  ['hairpin', '{ type ipv4_addr . ipv4_addr ; }'],
  ['service-ips', '{ type ipv4_addr . inet_proto . inet_service : verdict ; }'],
  ['service-nodeports', '{ type inet_proto . inet_service : verdict ; }'],
  ['no-endpoint-services', '{ type ipv4_addr . inet_proto . inet_service : verdict ; }'],
  ['no-endpoint-nodeports', '{ type inet_proto . inet_service : verdict ; }'],
];

/** Names of the chains and sets that are part of the skeleton (never stale). */
export const SKELETON_CHAINS = new Set([...BASE_CHAINS.map((c) => c.name), ...HELPER_CHAINS]);
export const SKELETON_SETS = new Set<string>(SHARED.map(([n]) => n));

const ELEMENTS_PER_COMMAND = 500;

/** Builds one transaction for table `t`. */
export class NftText {
  private readonly lines: string[] = [];

  constructor(readonly table: string) {}

  private push(line: string): this {
    this.lines.push(line);
    return this;
  }

  addTable(): this {
    return this.push(`add table ip ${this.table}`);
  }

  deleteTable(): this {
    return this.push(`delete table ip ${this.table}`);
  }

  addChain(name: string, spec?: string): this {
    return this.push(`add chain ip ${this.table} ${name}${spec ? ` { ${spec} }` : ''}`);
  }

  flushChain(name: string): this {
    return this.push(`flush chain ip ${this.table} ${name}`);
  }

  deleteChain(name: string): this {
    return this.push(`delete chain ip ${this.table} ${name}`);
  }

  addRule(chain: string, rule: string): this {
    return this.push(`add rule ip ${this.table} ${chain} ${rule}`);
  }

  addRules(chain: string, rules: string[]): this {
    for (const r of rules) this.addRule(chain, r);
    return this;
  }

  addSet(name: string, decl: string, map = false): this {
    return this.push(`add ${map ? 'map' : 'set'} ip ${this.table} ${name} ${decl}`);
  }

  flushSet(name: string, map = false): this {
    return this.push(`flush ${map ? 'map' : 'set'} ip ${this.table} ${name}`);
  }

  deleteSet(name: string): this {
    return this.push(`delete set ip ${this.table} ${name}`);
  }

  /** `add element` (or `delete element`) commands for `elements`, grouped by set in order. */
  elements(verb: 'add' | 'delete', elements: Element[]): this {
    const bySet = new Map<string, string[]>();
    for (const e of elements) {
      const item = verb === 'add' && e.value ? `${e.key} : ${e.value}` : e.key;
      const items = bySet.get(e.set) ?? [];
      items.push(item);
      bySet.set(e.set, items);
    }
    for (const [set, items] of bySet)
      for (let i = 0; i < items.length; i += ELEMENTS_PER_COMMAND)
        this.push(
          `${verb} element ip ${this.table} ${set} { ${items.slice(i, i + ELEMENTS_PER_COMMAND).join(', ')} }`,
        );
    return this;
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }

  toString(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}

/**
 * The skeleton: adds (or re-creates) and empties every base and helper chain and every
 * shared set and map, then fills the helper chains and the node-port addresses.
 */
export function writeSkeleton(tx: NftText, cfg: RuleConfig): void {
  tx.addTable();
  for (const c of BASE_CHAINS) tx.addChain(c.name, c.spec).flushChain(c.name);
  for (const c of HELPER_CHAINS) tx.addChain(c).flushChain(c);
  for (const [name, decl] of SHARED) {
    const map = decl.includes(': verdict');
    tx.addSet(name, decl, map).flushSet(name, map);
  }
  const mark = cfg.masqueradeMark;
  tx.addRules('filter-prerouting', [
    'iifname != "lo" ip daddr 127.0.0.0/8 drop',
    'ct state new jump endpoints-check',
  ]);
  tx.addRule('filter-output', 'ct state new jump endpoints-check');
  tx.addRule('filter-forward', 'ct state new jump cluster-ips-check');
  tx.addRule('filter-output-post-dnat', 'ct state new jump cluster-ips-check');
  tx.addRule('nat-prerouting', 'jump services');
  tx.addRule('nat-output', 'jump services');
  tx.addRules('nat-postrouting', [
    'jump masquerading',
    'ct status dnat ip saddr . ip daddr @hairpin masquerade fully-random',
    'ip saddr 127.0.0.0/8 ct status dnat oifname != "lo" masquerade',
  ]);
  tx.addRules('services', [
    'ip daddr . meta l4proto . th dport vmap @service-ips',
    'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
  ]);
  tx.addRules('endpoints-check', [
    'ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
    'ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
  ]);
  tx.addRules('cluster-ips-check', ['ip daddr @cluster-ips reject', `ip daddr ${cfg.serviceCIDR} drop`]);
  tx.addRules('masquerading', [
    `meta mark & ${mark} == 0 return`,
    `meta mark set meta mark xor ${mark}`,
    'masquerade fully-random',
  ]);
  tx.addRule(MARK_FOR_MASQUERADE, `meta mark set meta mark or ${mark}`);
  tx.addRule(REJECT_CHAIN, 'reject');
  tx.elements(
    'add',
    cfg.nodePortIPs.map((ip) => ({ set: 'nodeport-ips', key: ip, value: '' })),
  );
}
