/**
 * The proxy's rule generation, byte for byte: one Service's chains, sets and map
 * elements under each traffic policy; the whole table's transaction; incremental
 * transactions (refill a changed chain, empty a removed one and delete it later);
 * elements two Services ask for; and UDP conntrack clean-ups.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, RuleConfig, ServicePort } from './model.js';
import { planFull, planIncremental, STALE_CHAIN_DELAY_MS, udpConntrackCleanups } from './plan.js';
import { type Rendered, renderService } from './render.js';

const cfg: RuleConfig = {
  table: 't',
  clusterCIDR: '10.42.0.0/16',
  serviceCIDR: '10.43.0.0/16',
  nodePortIPs: ['127.0.0.1'],
  masqueradeMark: '0x4000',
};

const e = (ip: string, o: Partial<Endpoint> = {}): Endpoint => ({
  ip,
  port: 8080,
  ready: true,
  serving: true,
  terminating: false,
  local: false,
  ...o,
});

function port(o: Partial<ServicePort>): ServicePort {
  return {
    service: 'ns/web',
    namespace: 'ns',
    name: 'web',
    portName: 'http',
    protocol: 'tcp',
    clusterIP: '10.43.0.10',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    affinitySeconds: 0,
    internalLocal: false,
    externalLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    ...o,
  };
}

/** A Rendered as text: chains with their rules, sets, elements, routes. */
function show(r: Rendered): string {
  const out: string[] = [];
  for (const [c, rules] of r.chains) out.push(`chain ${c}`, ...rules.map((x) => `  ${x}`));
  for (const [n, d] of r.sets) out.push(`set ${n} ${d}`);
  for (const el of r.elements) out.push(`element ${el.set} ${el.key}${el.value ? ` : ${el.value}` : ''}`);
  out.push(`vips ${r.vips.join(',')}`);
  return out.join('\n');
}

const SVC = 'service-35415D48-ns/web/tcp/http';
const EXT = 'external-7A93C87A-ns/web/tcp/http';
const LOCAL = 'local-2671100C-ns/web/tcp/http';
const EP5 = 'endpoint-9875682B-ns/web/tcp/http__10.42.0.5/8080';
const EP6 = 'endpoint-966C9D71-ns/web/tcp/http__10.42.1.6/8080';

describe('proxy rules: one service', () => {
  it('NodePort with Cluster policy: masquerade off-cluster and external traffic, DNAT by a random map', () => {
    const r = renderService(cfg, [
      port({ nodePort: 30080, endpoints: [e('10.42.0.5', { local: true }), e('10.42.1.6')] }),
    ]);
    assert.equal(
      show(r),
      [
        `chain ${SVC}`,
        '  ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade',
        '  meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.42.0.5 . 8080, 1 : 10.42.1.6 . 8080 }',
        `chain ${EXT}`,
        '  jump mark-for-masquerade',
        `  goto ${SVC}`,
        'element cluster-ips 10.43.0.10',
        `element service-ips 10.43.0.10 . tcp . 80 : goto ${SVC}`,
        `element service-nodeports tcp . 30080 : goto ${EXT}`,
        'element hairpin 10.42.0.5 . 10.42.0.5',
        'element hairpin 10.42.1.6 . 10.42.1.6',
        'vips 10.43.0.10',
      ].join('\n'),
    );
  });

  it('LoadBalancer with Local policy and ClientIP affinity', () => {
    const r = renderService(cfg, [
      port({
        loadBalancerIPs: ['127.0.0.1'],
        nodePort: 30080,
        externalLocal: true,
        affinitySeconds: 30,
        endpoints: [e('10.42.0.5', { local: true }), e('10.42.1.6')],
      }),
    ]);
    const aff5 = 'affinity-4E863FD8-ns/web/tcp/http__10.42.0.5/8080/30';
    const aff6 = 'affinity-CEBC9592-ns/web/tcp/http__10.42.1.6/8080/30';
    assert.equal(
      show(r),
      [
        `chain ${SVC}`,
        '  ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade',
        `  ip saddr @${aff5} goto ${EP5}`,
        `  ip saddr @${aff6} goto ${EP6}`,
        `  numgen random mod 2 vmap { 0 : goto ${EP5}, 1 : goto ${EP6} }`,
        `chain ${LOCAL}`,
        `  ip saddr @${aff5} goto ${EP5}`,
        `  numgen random mod 1 vmap { 0 : goto ${EP5} }`,
        `chain ${EXT}`,
        `  ip saddr 10.42.0.0/16 goto ${SVC}`,
        '  fib saddr type local jump mark-for-masquerade',
        `  fib saddr type local goto ${SVC}`,
        `  goto ${LOCAL}`,
        `chain ${EP5}`,
        `  update @${aff5} { ip saddr }`,
        '  meta l4proto tcp dnat to 10.42.0.5:8080',
        `chain ${EP6}`,
        `  update @${aff6} { ip saddr }`,
        '  meta l4proto tcp dnat to 10.42.1.6:8080',
        `set ${aff5} { type ipv4_addr ; flags dynamic,timeout ; timeout 30s ; }`,
        `set ${aff6} { type ipv4_addr ; flags dynamic,timeout ; timeout 30s ; }`,
        'element cluster-ips 10.43.0.10',
        `element service-ips 10.43.0.10 . tcp . 80 : goto ${SVC}`,
        `element service-ips 127.0.0.1 . tcp . 80 : goto ${EXT}`,
        `element service-nodeports tcp . 30080 : goto ${EXT}`,
        'element hairpin 10.42.0.5 . 10.42.0.5',
        'element hairpin 10.42.1.6 . 10.42.1.6',
        'vips 10.43.0.10',
      ].join('\n'),
    );
  });

  it('no endpoints anywhere: every address rejects, no chains', () => {
    const r = renderService(cfg, [port({ nodePort: 30080, externalIPs: ['192.0.2.9'] })]);
    assert.equal(
      show(r),
      [
        'element cluster-ips 10.43.0.10',
        'element no-endpoint-services 10.43.0.10 . tcp . 80 : goto reject-chain',
        'element no-endpoint-services 192.0.2.9 . tcp . 80 : goto reject-chain',
        'element no-endpoint-nodeports tcp . 30080 : goto reject-chain',
        'vips 10.43.0.10',
      ].join('\n'),
    );
  });

  it('internal Local policy without a local endpoint drops ClusterIP traffic', () => {
    const r = renderService(cfg, [port({ internalLocal: true, endpoints: [e('10.42.1.6')] })]);
    assert.equal(
      show(r),
      [
        'element cluster-ips 10.43.0.10',
        'element no-endpoint-services 10.43.0.10 . tcp . 80 : drop',
        'vips 10.43.0.10',
      ].join('\n'),
    );
  });

  it('UDP and SCTP ports use their protocol in matches and DNAT', () => {
    const r = renderService(cfg, [
      port({ protocol: 'udp', portName: 'dns', port: 53, endpoints: [e('10.42.0.5', { port: 5353 })] }),
    ]);
    const text = show(r);
    assert.match(
      text,
      /ip daddr 10\.43\.0\.10 udp dport 53 ip saddr != 10\.42\.0\.0\/16 jump mark-for-masquerade/,
    );
    assert.match(text, /meta l4proto udp dnat to 10\.42\.0\.5:5353/);
    assert.match(
      text,
      /element service-ips 10\.43\.0\.10 \. udp \. 53 : goto service-[0-9A-F]{8}-ns\/web\/udp\/dns/,
    );
  });
});

describe('proxy rules: transactions', () => {
  it('renders the whole table, re-created in one transaction', () => {
    const p = planFull(cfg, new Map([['ns/web', [port({ endpoints: [e('10.42.0.5')] })]]]), {
      now: 0,
      recreate: true,
    });
    assert.equal(
      p.text,
      [
        'add table ip t',
        'delete table ip t',
        'add table ip t',
        'add chain ip t filter-prerouting { type filter hook prerouting priority -110 ; }',
        'flush chain ip t filter-prerouting',
        'add chain ip t filter-output { type filter hook output priority -110 ; }',
        'flush chain ip t filter-output',
        'add chain ip t filter-forward { type filter hook forward priority -110 ; }',
        'flush chain ip t filter-forward',
        'add chain ip t filter-output-post-dnat { type filter hook output priority -90 ; }',
        'flush chain ip t filter-output-post-dnat',
        'add chain ip t nat-prerouting { type nat hook prerouting priority -100 ; }',
        'flush chain ip t nat-prerouting',
        'add chain ip t nat-output { type nat hook output priority -100 ; }',
        'flush chain ip t nat-output',
        'add chain ip t nat-postrouting { type nat hook postrouting priority 100 ; }',
        'flush chain ip t nat-postrouting',
        'add chain ip t services',
        'flush chain ip t services',
        'add chain ip t endpoints-check',
        'flush chain ip t endpoints-check',
        'add chain ip t cluster-ips-check',
        'flush chain ip t cluster-ips-check',
        'add chain ip t masquerading',
        'flush chain ip t masquerading',
        'add chain ip t mark-for-masquerade',
        'flush chain ip t mark-for-masquerade',
        'add chain ip t reject-chain',
        'flush chain ip t reject-chain',
        'add set ip t nodeport-ips { type ipv4_addr ; }',
        'flush set ip t nodeport-ips',
        'add set ip t cluster-ips { type ipv4_addr ; }',
        'flush set ip t cluster-ips',
        'add set ip t hairpin { type ipv4_addr . ipv4_addr ; }',
        'flush set ip t hairpin',
        'add map ip t service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
        'flush map ip t service-ips',
        'add map ip t service-nodeports { type inet_proto . inet_service : verdict ; }',
        'flush map ip t service-nodeports',
        'add map ip t no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }',
        'flush map ip t no-endpoint-services',
        'add map ip t no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }',
        'flush map ip t no-endpoint-nodeports',
        'add rule ip t filter-prerouting iifname != "lo" ip daddr 127.0.0.0/8 drop',
        'add rule ip t filter-prerouting ct state new jump endpoints-check',
        'add rule ip t filter-output ct state new jump endpoints-check',
        'add rule ip t filter-forward ct state new jump cluster-ips-check',
        'add rule ip t filter-output-post-dnat ct state new jump cluster-ips-check',
        'add rule ip t nat-prerouting jump services',
        'add rule ip t nat-output jump services',
        'add rule ip t nat-postrouting jump masquerading',
        'add rule ip t nat-postrouting ct status dnat ip saddr . ip daddr @hairpin masquerade fully-random',
        'add rule ip t nat-postrouting ip saddr 127.0.0.0/8 ct status dnat oifname != "lo" masquerade',
        'add rule ip t services ip daddr . meta l4proto . th dport vmap @service-ips',
        'add rule ip t services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
        'add rule ip t endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
        'add rule ip t endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
        'add rule ip t cluster-ips-check ip daddr @cluster-ips reject',
        'add rule ip t cluster-ips-check ip daddr 10.43.0.0/16 drop',
        'add rule ip t masquerading meta mark & 0x4000 == 0 return',
        'add rule ip t masquerading meta mark set meta mark xor 0x4000',
        'add rule ip t masquerading masquerade fully-random',
        'add rule ip t mark-for-masquerade meta mark set meta mark or 0x4000',
        'add rule ip t reject-chain reject',
        'add element ip t nodeport-ips { 127.0.0.1 }',
        'add chain ip t service-35415D48-ns/web/tcp/http',
        'add rule ip t service-35415D48-ns/web/tcp/http ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade',
        'add rule ip t service-35415D48-ns/web/tcp/http meta l4proto tcp dnat to 10.42.0.5:8080',
        'add element ip t cluster-ips { 10.43.0.10 }',
        'add element ip t service-ips { 10.43.0.10 . tcp . 80 : goto service-35415D48-ns/web/tcp/http }',
        'add element ip t hairpin { 10.42.0.5 . 10.42.0.5 }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(p.addVips, ['10.43.0.10']);
    assert.deepEqual(p.delVips, []);
  });

  it('changes only the changed rules and elements', () => {
    const two = [port({ endpoints: [e('10.42.0.5'), e('10.42.0.6')] })];
    const first = planFull(cfg, new Map([['ns/web', two]]), { now: 0, recreate: true });
    const moved = [port({ endpoints: [e('10.42.0.5'), e('10.42.0.7')] })];
    const change = planIncremental(cfg, first.state, new Map([['ns/web', moved]]), 1);
    assert.equal(
      change.text,
      [
        `flush chain ip t ${SVC}`,
        `add rule ip t ${SVC} ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade`,
        `add rule ip t ${SVC} meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 10.42.0.5 . 8080, 1 : 10.42.0.7 . 8080 }`,
        'delete element ip t hairpin { 10.42.0.6 . 10.42.0.6 }',
        'add element ip t hairpin { 10.42.0.7 . 10.42.0.7 }',
        '',
      ].join('\n'),
    );
    assert.deepEqual([change.addVips, change.delVips], [[], []]);
    assert.equal(
      planIncremental(cfg, change.state, new Map([['ns/web', moved]]), 2).text,
      '',
      'no change, no text',
    );
  });

  it('empties chains nothing uses any more and deletes them a moment later', () => {
    const sticky = (ip: string) => [port({ affinitySeconds: 60, endpoints: [e(ip)] })];
    const EP6A = 'endpoint-38140994-ns/web/tcp/http__10.42.0.6/8080';
    const AFF5 = 'affinity-4C9308A5-ns/web/tcp/http__10.42.0.5/8080/60';
    const AFF6 = 'affinity-C60FCA3C-ns/web/tcp/http__10.42.0.6/8080/60';
    const first = planFull(cfg, new Map([['ns/web', sticky('10.42.0.5')]]), { now: 0, recreate: true });
    const change = planIncremental(cfg, first.state, new Map([['ns/web', sticky('10.42.0.6')]]), 100);
    assert.equal(
      change.text,
      [
        `add set ip t ${AFF6} { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }`,
        `add chain ip t ${EP6A}`,
        `flush chain ip t ${SVC}`,
        `add rule ip t ${SVC} ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade`,
        `add rule ip t ${SVC} ip saddr @${AFF6} goto ${EP6A}`,
        `add rule ip t ${SVC} numgen random mod 1 vmap { 0 : goto ${EP6A} }`,
        `add rule ip t ${EP6A} update @${AFF6} { ip saddr }`,
        `add rule ip t ${EP6A} meta l4proto tcp dnat to 10.42.0.6:8080`,
        'delete element ip t hairpin { 10.42.0.5 . 10.42.0.5 }',
        'add element ip t hairpin { 10.42.0.6 . 10.42.0.6 }',
        `flush chain ip t ${EP5}`,
        `delete set ip t ${AFF5}`,
        '',
      ].join('\n'),
    );
    assert.equal(planIncremental(cfg, change.state, new Map(), 100 + STALE_CHAIN_DELAY_MS - 1).text, '');
    assert.equal(
      planIncremental(cfg, change.state, new Map(), 100 + STALE_CHAIN_DELAY_MS).text,
      `delete chain ip t ${EP5}\n`,
    );
    const gone = planIncremental(cfg, change.state, new Map([['ns/web', []]]), 300);
    assert.equal(
      gone.text,
      [
        'delete element ip t cluster-ips { 10.43.0.10 }',
        'delete element ip t service-ips { 10.43.0.10 . tcp . 80 }',
        'delete element ip t hairpin { 10.42.0.6 . 10.42.0.6 }',
        `flush chain ip t ${SVC}`,
        `flush chain ip t ${EP6A}`,
        `delete set ip t ${AFF6}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(gone.delVips, ['10.43.0.10']);
    assert.equal(gone.state.services.size, 0);
    assert.deepEqual([...gone.state.stale.keys()].sort(), [EP5, SVC, EP6A].sort());
  });

  it('turns a rejecting address into a dispatching one by replacing the element', () => {
    const none = planFull(cfg, new Map([['ns/web', [port({})]]]), { now: 0, recreate: true });
    const up = planIncremental(
      cfg,
      none.state,
      new Map([['ns/web', [port({ endpoints: [e('10.42.0.5')] })]]]),
      1,
    );
    const lines = up.text.trim().split('\n');
    assert.deepEqual(lines.slice(-3), [
      'delete element ip t no-endpoint-services { 10.43.0.10 . tcp . 80 }',
      `add element ip t service-ips { 10.43.0.10 . tcp . 80 : goto ${SVC} }`,
      'add element ip t hairpin { 10.42.0.5 . 10.42.0.5 }',
    ]);
  });

  it('gives an element two Services want to the first, and to the other once it is free', () => {
    const a = port({ service: 'ns/a', name: 'a', clusterIP: '10.43.0.1', externalIPs: ['192.0.2.9'] });
    const b = port({ service: 'ns/b', name: 'b', clusterIP: '10.43.0.2', externalIPs: ['192.0.2.9'] });
    const full = planFull(
      cfg,
      new Map([
        ['ns/a', [a]],
        ['ns/b', [b]],
      ]),
      { now: 0, recreate: true },
    );
    assert.equal(full.text.match(/192\.0\.2\.9 \. tcp \. 80/g)?.length, 1, 'added once');
    assert.equal(full.state.owner.get('no-endpoint-services 192.0.2.9 . tcp . 80'), 'ns/a');
    const freed = planIncremental(cfg, full.state, new Map([['ns/a', []]]), 1);
    assert.match(
      freed.text,
      /delete element ip t no-endpoint-services \{ 10\.43\.0\.1 \. tcp \. 80, 192\.0\.2\.9 \. tcp \. 80 \}/,
    );
    assert.match(
      freed.text,
      /add element ip t no-endpoint-services \{ 192\.0\.2\.9 \. tcp \. 80 : goto reject-chain \}/,
    );
    assert.equal(freed.state.owner.get('no-endpoint-services 192.0.2.9 . tcp . 80'), 'ns/b');
    assert.equal(freed.state.blocked.size, 0);
  });

  it('refills the table in place, emptying unknown chains and deleting unknown sets', () => {
    const first = planFull(cfg, new Map([['ns/web', [port({ endpoints: [e('10.42.0.5')] })]]]), {
      now: 0,
      recreate: true,
    });
    const again = planFull(cfg, new Map([['ns/web', [port({ endpoints: [e('10.42.0.5')] })]]]), {
      now: 10,
      recreate: false,
      existing: {
        chains: ['filter-prerouting', 'services', SVC, 'endpoint-OLD-x', 'gone-long-ago'],
        sets: ['cluster-ips', 'affinity-OLD-x'],
      },
      previous: { ...first.state, stale: new Map([['gone-long-ago', -5000]]) },
    });
    const tail = again.text.trim().split('\n').slice(-4);
    assert.deepEqual(tail, [
      'flush chain ip t endpoint-OLD-x',
      'flush chain ip t gone-long-ago',
      'delete set ip t affinity-OLD-x',
      'delete chain ip t gone-long-ago',
    ]);
    assert.doesNotMatch(again.text, /delete table/);
    assert.match(again.text, new RegExp(`flush chain ip t ${SVC.replaceAll('/', '\\/')}`));
    assert.deepEqual([...again.state.stale], [['endpoint-OLD-x', 10]]);
  });
});

describe('proxy rules: UDP conntrack clean-up', () => {
  const udp = (o: Partial<ServicePort>) =>
    port({ protocol: 'udp', portName: 'dns', port: 53, nodePort: 30053, externalIPs: ['192.0.2.9'], ...o });

  it('clears flows to endpoints that went away, by every address of the port', () => {
    const before = [udp({ endpoints: [e('10.42.0.5'), e('10.42.0.6')] })];
    const after = [udp({ endpoints: [e('10.42.0.6')] })];
    assert.deepEqual(udpConntrackCleanups(before, after), [
      ['-D', '-p', 'udp', '--orig-dst', '10.43.0.10', '--dst-nat', '10.42.0.5'],
      ['-D', '-p', 'udp', '--orig-dst', '192.0.2.9', '--dst-nat', '10.42.0.5'],
      ['-D', '-p', 'udp', '--orig-port-dst', '30053', '--dst-nat', '10.42.0.5'],
    ]);
  });

  it('clears flows recorded while a port had no endpoints, and ignores TCP', () => {
    assert.deepEqual(
      udpConntrackCleanups(
        [udp({ nodePort: 0, externalIPs: [] })],
        [udp({ nodePort: 0, externalIPs: [], endpoints: [e('10.42.0.5')] })],
      ),
      [['-D', '-p', 'udp', '--orig-dst', '10.43.0.10', '--orig-port-dst', '53']],
    );
    assert.deepEqual(udpConntrackCleanups([port({ endpoints: [e('10.42.0.5')] })], [port({})]), []);
  });
});
