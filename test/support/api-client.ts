/**
 * A raw HTTPS client for tests that must send what kubectl never would (malformed bodies,
 * wrong content types, huge payloads): authenticates with the admin client certificate
 * from a kubeconfig. Every request is bounded in time.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

export function apiClientFor(kubeconfig: string) {
  const cfg = parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const cluster = cfg.clusters[0]!.cluster;
  const user = cfg.users[0]!.user;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const base = new URL(cluster.server);
  const tls = {
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };

  return function call(
    method: string,
    path: string,
    opts: {
      body?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
      anonymous?: boolean;
    } = {},
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      const req = request(
        {
          method,
          host: base.hostname,
          port: base.port,
          path,
          headers,
          ca: tls.ca,
          ...(opts.anonymous ? {} : { cert: tls.cert, key: tls.key }),
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              json: () => JSON.parse(body),
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(opts.body);
    });
  };
}
