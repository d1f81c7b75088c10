/**
 * Answers one question from a ClusterView, following "Kubernetes DNS-Based Service
 * Discovery" (kubernetes/dns docs/specification.md) and the behaviour of CoreDNS's
 * kubernetes plugin with `pods insecure`:
 *
 *   <svc>.<ns>.svc.<zone>              A/AAAA: ClusterIPs; headless: ready endpoints
 *                                      (NXDOMAIN when none); ExternalName: CNAME
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per matching port (headless: per endpoint)
 *   <host>.<svc>.<ns>.svc.<zone>       A/AAAA of endpoints whose hostname (or dashed
 *                                      address) is <host>
 *   <a>-<b>-<c>-<d>.<ns>.pod.<zone>    A a.b.c.d (any address, the namespace must exist)
 *   d.c.b.a.in-addr.arpa, ip6.arpa     PTR for Service ClusterIPs and endpoint addresses
 *   <zone>                             SOA, NS (ns.dns.<zone>); dns-version.<zone> TXT
 *
 * Unknown names in the zone are NXDOMAIN, names that exist without data of the asked
 * type NODATA, both with the zone's SOA in the authority section. Names outside the zone
 * (and reverse names of unknown addresses) are for the upstream resolvers: the answer
 * says `forward`. Pure: question and view in, records out.
 */

import { isIPv4, parseIPv6 } from './ip.js';
import type { Question, ResourceRecord } from './message.js';
import { Rcode, RRClass, RRType } from './message.js';
import { addressOfReverse, canonical, isSubdomain, relativeLabels } from './names.js';
import { address, cname, ns, ptr, soa, srv, txt } from './records.js';
import { type ClusterView, type EndpointInfo, type PortInfo, type ServiceInfo, serviceKey } from './view.js';

/** TTL of every record of the zone (CoreDNS's default for the kubernetes plugin). */
export const TTL = 5;
/** The version of the DNS schema served, for `dns-version.<zone>` TXT. */
export const SCHEMA_VERSION = '1.0.1';

export interface Answer {
  kind: 'answer';
  rcode: number;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

export type Resolution = Answer | { kind: 'forward' };

export function resolve(q: Question, view: ClusterView): Resolution {
  const name = canonical(q.name);
  if (isSubdomain(name, view.zone)) {
    if (q.class !== RRClass.IN && q.class !== RRClass.ANY) return reply(Rcode.REFUSED, []);
    return new Zone(q, view).answer();
  }
  if (q.type === RRType.PTR || q.type === RRType.ANY) {
    const ip = addressOfReverse(name);
    const targets = ip ? view.reverse.get(ip) : undefined;
    if (targets)
      return reply(
        Rcode.NOERROR,
        targets.map((t) => ptr(owner(q), TTL, t)),
      );
  }
  return { kind: 'forward' };
}

function reply(
  rcode: number,
  answers: ResourceRecord[],
  authority: ResourceRecord[] = [],
  additional: ResourceRecord[] = [],
): Answer {
  return { kind: 'answer', rcode, answers, authority, additional };
}

/** The owner name of answers: the question's name as asked (its case kept). */
function owner(q: Question): string {
  return q.name.endsWith('.') ? q.name.slice(0, -1) : q.name;
}

const wantsA = (t: number) => t === RRType.A || t === RRType.ANY;
const wantsAAAA = (t: number) => t === RRType.AAAA || t === RRType.ANY;

/** Answers for names in the cluster zone. */
class Zone {
  private readonly type: number;
  private readonly owner: string;
  /** The labels of the name above the zone, first label first. */
  private readonly labels: string[];

  constructor(
    q: Question,
    private readonly view: ClusterView,
  ) {
    this.type = q.type;
    this.owner = owner(q);
    this.labels = relativeLabels(q.name, view.zone);
  }

  answer(): Answer {
    const l = this.labels;
    if (l.length === 0) return this.apex();
    const joined = l.join('.');
    if (joined === 'dns-version')
      return this.records(
        this.type === RRType.TXT || this.type === RRType.ANY ? [txt(this.owner, TTL, SCHEMA_VERSION)] : [],
      );
    if (joined === 'ns.dns') return this.records(this.addresses(this.view.nameservers));
    if (joined === 'dns') return this.nodata();
    const rest = l.slice(0, -1);
    if (l[l.length - 1] === 'svc') return this.service(rest);
    if (l[l.length - 1] === 'pod') return this.pod(rest);
    return this.nxdomain();
  }

  private soa(): ResourceRecord {
    const z = this.view.zone;
    return soa(z, TTL, {
      mname: `ns.dns.${z}`,
      rname: `hostmaster.${z}`,
      serial: this.view.serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
    });
  }

  private nxdomain(): Answer {
    return reply(Rcode.NXDOMAIN, [], [this.soa()]);
  }

  private nodata(): Answer {
    return reply(Rcode.NOERROR, [], [this.soa()]);
  }

  /** Records of a name that exists: NODATA when there are none of the asked type. */
  private records(answers: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
    return answers.length === 0 ? this.nodata() : reply(Rcode.NOERROR, answers, [], additional);
  }

  /** A and AAAA records for `ips` under the question's name, as far as they were asked for. */
  private addresses(ips: readonly string[], name = this.owner): ResourceRecord[] {
    const seen = new Set<string>();
    const out: ResourceRecord[] = [];
    for (const ip of ips) {
      if (seen.has(ip)) continue;
      seen.add(ip);
      const v6 = ip.includes(':');
      if ((v6 && wantsAAAA(this.type)) || (!v6 && wantsA(this.type))) out.push(address(name, TTL, ip));
    }
    return out;
  }

  private apex(): Answer {
    const z = this.view.zone;
    const answers: ResourceRecord[] = [];
    let additional: ResourceRecord[] = [];
    if (this.type === RRType.SOA || this.type === RRType.ANY)
      answers.push({ ...this.soa(), name: this.owner });
    if (this.type === RRType.NS || this.type === RRType.ANY) {
      answers.push(ns(this.owner, TTL, `ns.dns.${z}`));
      additional = this.view.nameservers.map((ip) => address(`ns.dns.${z}`, TTL, ip));
    }
    return this.records(answers, additional);
  }

  /** `rest` = the labels before `svc`: [..., service, namespace]. */
  private service(rest: string[]): Answer {
    if (rest.length === 0) return this.nodata();
    const namespace = rest[rest.length - 1] ?? '';
    if (!this.view.namespaces.has(namespace)) return this.nxdomain();
    if (rest.length === 1) return this.nodata();
    const svc = this.view.services.get(serviceKey(namespace, rest[rest.length - 2] ?? ''));
    if (!svc) return this.nxdomain();
    const extra = rest.slice(0, -2);
    if (extra.length === 0) return this.serviceName(svc);
    if (svc.kind === 'ExternalName') return this.nxdomain();
    if (extra.length === 1) return this.endpointName(svc, extra[0] ?? '');
    const [port, proto] = extra;
    if (extra.length === 2 && port?.startsWith('_') && proto?.startsWith('_'))
      return this.portName(svc, port.slice(1), proto.slice(1));
    return this.nxdomain();
  }

  private fqdn(svc: ServiceInfo): string {
    return `${svc.name}.${svc.namespace}.svc.${this.view.zone}`;
  }

  private serviceName(svc: ServiceInfo): Answer {
    if (svc.kind === 'ExternalName') {
      if (!svc.externalName) return this.nxdomain();
      return reply(Rcode.NOERROR, [cname(this.owner, TTL, svc.externalName)]);
    }
    if (svc.kind === 'Headless') {
      if (svc.endpoints.length === 0) return this.nxdomain();
      if (this.type === RRType.SRV) return this.endpointSrv(svc, svc.endpoints, () => true);
      return this.records(this.addresses(svc.endpoints.map((e) => e.address)));
    }
    if (this.type === RRType.SRV) return this.serviceSrv(svc, svc.ports);
    return this.records(this.addresses(svc.clusterIPs));
  }

  private endpointName(svc: ServiceInfo, host: string): Answer {
    const eps = svc.endpoints.filter((e) => e.hostname === host);
    if (eps.length === 0) return this.nxdomain();
    if (this.type === RRType.SRV) {
      const target = `${host}.${this.fqdn(svc)}`;
      const answers = eps.flatMap((e) =>
        e.ports.map((p) => srv(this.owner, TTL, { priority: 0, weight: 0, port: p.port, target })),
      );
      return this.records(weighted(unique(answers)), this.addressesOf(target, eps));
    }
    return this.records(this.addresses(eps.map((e) => e.address)));
  }

  private portName(svc: ServiceInfo, port: string, proto: string): Answer {
    const matches = (p: PortInfo) => p.name !== '' && p.name === port && p.protocol === proto;
    if (svc.kind === 'Headless') {
      if (!svc.endpoints.some((e) => e.ports.some(matches))) return this.nxdomain();
      return this.type === RRType.SRV || this.type === RRType.ANY
        ? this.endpointSrv(svc, svc.endpoints, matches)
        : this.nodata();
    }
    const ports = svc.ports.filter(matches);
    if (ports.length === 0) return this.nxdomain();
    return this.type === RRType.SRV || this.type === RRType.ANY ? this.serviceSrv(svc, ports) : this.nodata();
  }

  /** One SRV per port, each pointing at the Service's name; its addresses in additional. */
  private serviceSrv(svc: ServiceInfo, ports: PortInfo[]): Answer {
    const target = this.fqdn(svc);
    const answers = ports.map((p) => srv(this.owner, TTL, { priority: 0, weight: 0, port: p.port, target }));
    const additional = svc.clusterIPs.map((ip) => address(target, TTL, ip));
    return this.records(weighted(unique(answers)), additional);
  }

  /** One SRV per endpoint and matching port, pointing at `<host>.<svc>...`; addresses in additional. */
  private endpointSrv(svc: ServiceInfo, eps: EndpointInfo[], matches: (p: PortInfo) => boolean): Answer {
    const answers: ResourceRecord[] = [];
    const additional: ResourceRecord[] = [];
    const done = new Set<string>();
    for (const e of eps) {
      const target = `${e.hostname}.${this.fqdn(svc)}`;
      const ports = e.ports.filter(matches);
      for (const p of ports)
        answers.push(srv(this.owner, TTL, { priority: 0, weight: 0, port: p.port, target }));
      const key = `${target}/${e.address}`;
      if (ports.length > 0 && !done.has(key)) {
        done.add(key);
        additional.push(address(target, TTL, e.address));
      }
    }
    return this.records(weighted(unique(answers)), additional);
  }

  private addressesOf(target: string, eps: EndpointInfo[]): ResourceRecord[] {
    return [...new Set(eps.map((e) => e.address))].map((ip) => address(target, TTL, ip));
  }

  /** `rest` = the labels before `pod`: [..., pod, namespace]. */
  private pod(rest: string[]): Answer {
    if (rest.length === 0) return this.nodata();
    const namespace = rest[rest.length - 1] ?? '';
    if (!this.view.namespaces.has(namespace)) return this.nxdomain();
    if (rest.length === 1) return this.nodata();
    if (rest.length > 2) return this.nxdomain();
    const label = rest[0] ?? '';
    let ip: string | undefined;
    if ((label.match(/-/g) ?? []).length === 3 && !label.includes('--')) {
      const v4 = label.replace(/-/g, '.');
      if (isIPv4(v4)) ip = v4;
    } else {
      const v6 = label.replace(/-/g, ':');
      if (parseIPv6(v6)) ip = v6;
    }
    if (!ip) return this.nxdomain();
    return this.records(this.addresses([ip]));
  }
}

function unique(records: ResourceRecord[]): ResourceRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = JSON.stringify(r.data);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** SRV weights that share 100 between the records (RFC 2782; CoreDNS does the same). */
function weighted(records: ResourceRecord[]): ResourceRecord[] {
  const weight = records.length > 0 ? Math.max(1, Math.floor(100 / records.length)) : 0;
  return records.map((r) => (r.data.kind === 'SRV' ? { ...r, data: { ...r.data, weight } } : r));
}
