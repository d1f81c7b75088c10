/**
 * The default upstream resolvers: the nameservers of the host's /etc/resolv.conf, less
 * loopback ones (a stub resolver on 127.0.0.53 cannot serve pods, and a loopback address
 * may be this server itself). When every one is loopback, systemd-resolved's list of real
 * servers (/run/systemd/resolve/resolv.conf) is used, as k3s does.
 */
import { readFile } from 'node:fs/promises';
import type { HostPort } from './addresses.js';
import { isIPv4, parseIPv6 } from './ip.js';

const RESOLV_CONF = '/etc/resolv.conf';
const SYSTEMD_RESOLV_CONF = '/run/systemd/resolve/resolv.conf';

function isLoopback(ip: string): boolean {
  if (isIPv4(ip)) return ip.startsWith('127.');
  const b = parseIPv6(ip);
  return !!b && b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

/** The non-loopback nameservers of a resolv.conf text, on port 53. */
export function nameserversOf(text: string): HostPort[] {
  const out: HostPort[] = [];
  for (const line of text.split('\n')) {
    const [key, value] = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key !== 'nameserver' || !value) continue;
    const host = value.replace(/%.*$/, '');
    if ((isIPv4(host) || parseIPv6(host)) && !isLoopback(host)) out.push({ host, port: 53 });
  }
  return out;
}

export async function defaultUpstreams(): Promise<HostPort[]> {
  for (const file of [RESOLV_CONF, SYSTEMD_RESOLV_CONF]) {
    const found = nameserversOf(await readFile(file, 'utf8').catch(() => ''));
    if (found.length > 0) return found;
  }
  return [];
}
