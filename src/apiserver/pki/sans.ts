/**
 * The serving certificate's subject alternative names: which names the API server must
 * answer to, and whether an existing certificate already covers them. Pure: the caller
 * supplies the machine's hostname; must not import node: modules.
 */
import { ipKey, parseIp } from './ip.js';

/** DNS names (lower case) and IPs (4 or 16 bytes), each de-duplicated, in first-seen order. */
export interface SanSet {
  dnsNames: string[];
  ips: Uint8Array[];
}

/** Names every API server answers to, in-cluster and from the host itself. */
export const BUILTIN_DNS_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
export const BUILTIN_IPS = ['127.0.0.1', '::1'];

export class InvalidSanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSanError';
  }
}

/**
 * The SANs the serving certificate must carry. A "hostname" that is an IP literal (a
 * --tls-san value passed through unsorted) is treated as an IP; an entry in `ips` that
 * is not an IP is an error naming the value.
 */
export function wantedServingSans(input: { hostname: string; hostnames: string[]; ips: string[] }): SanSet {
  const dns: string[] = [];
  const ips: string[] = [...BUILTIN_IPS];
  for (const name of [...BUILTIN_DNS_NAMES, input.hostname, ...input.hostnames]) {
    const trimmed = name.trim();
    if (trimmed === '') continue;
    if (parseIp(trimmed)) ips.push(trimmed);
    else dns.push(trimmed);
  }
  for (const ip of input.ips) {
    if (!parseIp(ip.trim())) throw new InvalidSanError(`not an IP address: ${JSON.stringify(ip)}`);
    ips.push(ip.trim());
  }
  return sanSet(dns, ips);
}

/** Builds a SanSet from text, dropping duplicates; throws on an IP that does not parse. */
export function sanSet(dnsNames: string[], ips: string[]): SanSet {
  const dns = [...new Set(dnsNames.map((n) => n.toLowerCase()))];
  const seen = new Set<string>();
  const bytes: Uint8Array[] = [];
  for (const text of ips) {
    const ip = parseIp(text);
    if (!ip) throw new InvalidSanError(`not an IP address: ${JSON.stringify(text)}`);
    if (seen.has(ipKey(ip))) continue;
    seen.add(ipKey(ip));
    bytes.push(ip);
  }
  return { dnsNames: dns, ips: bytes };
}

/** True when every name in `wanted` is also in `have`. */
export function coversSans(have: SanSet, wanted: SanSet): boolean {
  const haveDns = new Set(have.dnsNames);
  const haveIps = new Set(have.ips.map(ipKey));
  return wanted.dnsNames.every((n) => haveDns.has(n)) && wanted.ips.every((ip) => haveIps.has(ipKey(ip)));
}
