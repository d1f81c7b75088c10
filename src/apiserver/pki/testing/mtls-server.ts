/**
 * Test helper: an HTTPS server that asks for client certificates but lets the handshake
 * finish either way, records what it saw, and answers like a minimal API server (401 for
 * an unverified client, /version for a verified one). Plus a one-shot client. Tests only;
 * both close every socket they open.
 */

import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type ClientIdentity, parseClientIdentity } from '../identity.js';

export interface Seen {
  authorized: boolean;
  identity: ClientIdentity | undefined;
}

export interface MtlsServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

export const VERSION_BODY = { major: '1', minor: '32', gitVersion: 'v1.32.0' };

export async function startMtlsServer(tls: { key: string; cert: string; ca: string }): Promise<MtlsServer> {
  const seen: Seen[] = [];
  const server = createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const entry = {
      authorized: socket.authorized,
      identity: parseClientIdentity(socket.getPeerCertificate()),
    };
    seen.push(entry);
    res.setHeader('content-type', 'application/json');
    if (!entry.authorized) {
      res
        .writeHead(401)
        .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 401 }));
    } else if (req.url === '/version') {
      res.end(JSON.stringify(VERSION_BODY));
    } else {
      res.end(JSON.stringify(entry));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** One GET over a private agent that is destroyed afterwards. */
export async function mtlsGet(
  port: number,
  path: string,
  tls: { ca: string; cert?: string; key?: string; servername?: string },
): Promise<{ status: number; body: string }> {
  const agent = new Agent({ keepAlive: false });
  try {
    return await new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, agent, servername: tls.servername ?? 'localhost', ...tls },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    agent.destroy();
  }
}
