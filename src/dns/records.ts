/** Constructors for the resource records the cluster zone serves (class IN). Pure. */
import type { RData, ResourceRecord } from './message.js';
import { RRClass, RRType } from './message.js';

function rr(name: string, type: number, ttl: number, data: RData): ResourceRecord {
  return { name, type, class: RRClass.IN, ttl, data };
}

/** An A or AAAA record, by the address's family. */
export function address(name: string, ttl: number, ip: string): ResourceRecord {
  return ip.includes(':')
    ? rr(name, RRType.AAAA, ttl, { kind: 'AAAA', address: ip })
    : rr(name, RRType.A, ttl, { kind: 'A', address: ip });
}

export function cname(name: string, ttl: number, target: string): ResourceRecord {
  return rr(name, RRType.CNAME, ttl, { kind: 'CNAME', target });
}

export function ptr(name: string, ttl: number, target: string): ResourceRecord {
  return rr(name, RRType.PTR, ttl, { kind: 'PTR', target });
}

export function ns(name: string, ttl: number, target: string): ResourceRecord {
  return rr(name, RRType.NS, ttl, { kind: 'NS', target });
}

export function txt(name: string, ttl: number, ...strings: string[]): ResourceRecord {
  return rr(name, RRType.TXT, ttl, { kind: 'TXT', strings });
}

export function srv(
  name: string,
  ttl: number,
  s: { priority: number; weight: number; port: number; target: string },
): ResourceRecord {
  return rr(name, RRType.SRV, ttl, { kind: 'SRV', ...s });
}

export function soa(
  zone: string,
  ttl: number,
  s: { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number },
): ResourceRecord {
  return rr(zone, RRType.SOA, ttl, { kind: 'SOA', ...s, minimum: ttl });
}
