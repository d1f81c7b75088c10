/**
 * The httpGet prober: one GET without keep-alive (HTTPS without certificate checks),
 * following redirects to the same host (at most 10 requests), with one deadline over the
 * whole exchange. Status 200-399 is success; a redirect to another host is not followed
 * and counts as a success with a warning; anything else fails with
 * `HTTP probe failed with statuscode: N`. Network failures are failures worded as Go's
 * HTTP client words them (`Get "http://...": dial tcp ...: connect: connection refused`).
 * Bodies are read up to 10 KiB. Does not build the request (./http-request.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpProbeRequest } from './http-request.js';
import { dialError, errored, failure, MAX_OUTPUT, type ProbeOutcome, success } from './outcome.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REQUESTS = 10;
const DIAL_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface RawResponse {
  status: number;
  location: string | undefined;
  body: string;
}

/** Failure while reading the body (after the headers came). */
class BodyError extends Error {}

const TIMED_OUT = Symbol('timeout');

function describe(err: unknown, url: URL): string {
  const e = err as NodeJS.ErrnoException;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (e?.code && DIAL_CODES.has(e.code)) return dialError(err, addr, host);
  if (e?.code === 'ECONNRESET' && e.message === 'socket hang up') return 'EOF';
  if (e?.code === 'ECONNRESET') return `read tcp ${addr}: read: connection reset by peer`;
  if (/wrong version number|packet length too long/i.test(e?.message ?? '')) {
    return 'http: server gave HTTP response to HTTPS client';
  }
  return e instanceof Error ? e.message : String(err);
}

function getOnce(url: URL, headers: Map<string, string[]>, hostHeader: string, signal: AbortSignal) {
  return new Promise<RawResponse>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new Error(`unsupported protocol scheme "${url.protocol.slice(0, -1)}"`));
      return;
    }
    const out: http.OutgoingHttpHeaders = {};
    for (const [k, v] of headers) out[k] = v.length === 1 ? v[0] : v;
    if (hostHeader) out['Host'] = hostHeader;
    const options: https.RequestOptions = {
      method: 'GET',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: out,
      agent: false,
      signal,
    };
    if (secure) options.rejectUnauthorized = false;
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        const body = Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, location, body });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_OUTPUT) {
          // Enough read: the rest is not needed (the kubelet truncates, not fails).
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', (err) => {
        if (!done) reject(new BodyError(err.message));
        done = true;
      });
      res.on('close', () => {
        if (!done && !res.complete) reject(new BodyError('unexpected EOF'));
        done = true;
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Probes once; rejects only when `signal` aborts. */
export async function httpProbe(
  req: HttpProbeRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(TIMED_OUT), timeoutMs);
  const onAbort = (): void => ac.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    const first = req.url.hostname;
    let url = req.url;
    let hostHeader = req.hostHeader;
    for (let requests = 1; ; requests++) {
      let res: RawResponse;
      try {
        res = await getOnce(url, req.headers, hostHeader, ac.signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const body = err instanceof BodyError;
        if (ac.signal.aborted) {
          const why = body
            ? 'Client.Timeout or context cancellation while reading body'
            : 'Client.Timeout exceeded while awaiting headers';
          const text = `Get ${JSON.stringify(url.href)}: context deadline exceeded (${why})`;
          return body ? errored(text, 'failure') : failure(text);
        }
        return body
          ? errored(describe(err, url), 'failure')
          : failure(`Get ${JSON.stringify(url.href)}: ${describe(err, url)}`);
      }
      if (REDIRECTS.has(res.status) && res.location !== undefined && res.location !== '') {
        let next: URL;
        try {
          next = new URL(res.location, url);
        } catch {
          return failure(
            `Get ${JSON.stringify(url.href)}: failed to parse Location header ${JSON.stringify(res.location)}`,
          );
        }
        if (next.hostname !== first) {
          return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
        }
        if (requests >= MAX_REQUESTS)
          return failure(`Get ${JSON.stringify(next.href)}: stopped after 10 redirects`);
        // A Host header set by the probe survives a redirect to a relative location only.
        if (/^[a-z][a-z0-9+.-]*:/i.test(res.location) || res.location.startsWith('//')) hostHeader = '';
        url = next;
        continue;
      }
      if (res.status >= 200 && res.status < 400) {
        if (res.status >= 300) {
          return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
        }
        return success(res.body);
      }
      return failure(`HTTP probe failed with statuscode: ${res.status}`);
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
