/**
 * Address helpers for configuring the DNS server: `HOST:PORT` listen and upstream
 * addresses (`[v6]:PORT` for IPv6), and the n-th address of a range (the cluster DNS IP is
 * the 10th of the Service range, 10.43.0.10). Pure; bad input throws AddressError with a
 * one-line message fit for a usage error.
 */
import { isIPv4, parseIPv6 } from './ip.js';

export class AddressError extends Error {
  override readonly name = 'AddressError';
}

export interface HostPort {
  host: string;
  port: number;
}

/** `1.2.3.4:53`, `[::1]:53`; `defaultPort` when the port is left out (`1.2.3.4`, `[::1]`, `::1`). */
export function parseHostPort(text: string, defaultPort?: number): HostPort {
  let host = text;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    host = bracket[1] ?? '';
    port = bracket[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const i = text.lastIndexOf(':');
    host = text.slice(0, i);
    port = text.slice(i + 1);
  }
  if (!isIPv4(host) && !parseIPv6(host))
    throw new AddressError(`"${text}" is not IP:PORT (an IP address is needed)`);
  if (port === undefined) {
    if (defaultPort === undefined) throw new AddressError(`"${text}" has no port`);
    return { host, port: defaultPort };
  }
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) throw new AddressError(`"${text}" has a bad port (0-65535)`);
  return { host, port: n };
}

export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** The `n`-th address of an IPv4 `cidr` (n = 10: 10.43.0.0/16 -> 10.43.0.10). */
export function nthAddress(cidr: string, n: number): string {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1] ?? '')) throw new AddressError(`"${cidr}" is not an IPv4 CIDR`);
  const bits = Number(m[2]);
  if (bits > 32) throw new AddressError(`"${cidr}" has a bad prefix length`);
  const size = 2 ** (32 - bits);
  if (n >= size) throw new AddressError(`"${cidr}" has no address number ${n}`);
  const base = (m[1] ?? '').split('.').reduce((v, o) => v * 256 + Number(o), 0);
  const start = base - (base % size);
  const v = start + n;
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}
