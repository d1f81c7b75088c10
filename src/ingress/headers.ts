/**
 * Header rewriting for a reverse proxy: hop-by-hop headers (RFC 9110 7.6.1, and any named
 * in Connection) are dropped in both directions; requests keep their Host and get the
 * standard X-Forwarded-For/-Proto/-Host/-Port and X-Real-IP, set from what this proxy saw
 * (a client's own X-Forwarded-* values are replaced, never trusted). Pure.
 */

export type Headers = Record<string, string | string[] | undefined>;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A copy of `h` without hop-by-hop headers. */
export function withoutHopByHop(h: Headers): Headers {
  const named = new Set<string>();
  const conn = h['connection'];
  for (const v of Array.isArray(conn) ? conn : conn ? [conn] : []) {
    for (const t of v.split(',')) named.add(t.trim().toLowerCase());
  }
  const out: Headers = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** The client's address as text, without the IPv4-mapped IPv6 prefix. */
export function clientAddress(remote: string | undefined): string {
  if (!remote) return '';
  return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
}

export interface ForwardInfo {
  clientIp: string;
  proto: 'http' | 'https';
  /** The port the client connected to. */
  port: number;
  /** The protocol asked for with Upgrade, passed through for WebSocket and the like. */
  upgrade?: string | undefined;
}

/** The headers to send upstream for a request that arrived with `h`. */
export function upstreamHeaders(h: Headers, info: ForwardInfo): Headers {
  const out = withoutHopByHop(h);
  // This proxy already answered any `Expect: 100-continue` itself.
  delete out['expect'];
  const host = typeof h['host'] === 'string' ? h['host'] : '';
  out['x-forwarded-for'] = info.clientIp;
  out['x-real-ip'] = info.clientIp;
  out['x-forwarded-proto'] = info.proto;
  out['x-forwarded-host'] = host;
  out['x-forwarded-port'] = String(info.port);
  if (info.upgrade) {
    out['connection'] = 'upgrade';
    out['upgrade'] = info.upgrade;
  }
  return out;
}
