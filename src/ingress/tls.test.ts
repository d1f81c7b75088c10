/**
 * The HTTPS listener with SNI, against certificates made in the test: each server name
 * gets its Secret's certificate (exact or wildcard), unknown names and clients without
 * SNI get the fallback certificate, a certificate that does not load falls back too, and
 * a changed certificate applies to new connections while open ones keep working.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect, type PeerCertificate } from 'node:tls';
import { createCa, type IssuedCert, issueLeaf } from '../apiserver/pki/issue.js';
import { sanSet } from '../apiserver/pki/sans.js';
import { FALLBACK_COMMON_NAME, fallbackCertificate, selfSignedRsa } from './fallback-cert.js';
import { type Listener, listen } from './listeners.js';
import { IngressProxy } from './proxy.js';
import { SniCertificates } from './tls.js';
import { emptyTable, type RoutingTable, type TlsCertificate } from './types.js';

let ca: IssuedCert;
const leaf = async (cn: string, names: string[]): Promise<IssuedCert> =>
  issueLeaf(ca, { commonName: cn, usage: 'server', sans: sanSet(names, []), days: 1 }, new Date());
const asTls = (id: string, c: IssuedCert): TlsCertificate => ({ id, certPem: c.certPem, keyPem: c.keyPem });

/** The certificate the listener presents for `servername` (none: no SNI). */
async function peer(port: number, servername?: string): Promise<PeerCertificate> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ...(servername ? { servername } : {}),
    rejectUnauthorized: false,
  });
  try {
    await once(socket, 'secureConnect');
    return socket.getPeerCertificate();
  } finally {
    socket.destroy();
  }
}

describe('TLS with SNI', () => {
  const logs: string[] = [];
  let table: RoutingTable;
  let proxy: IngressProxy;
  let https: Listener;
  let backend: Server;
  let certA: IssuedCert;
  let certWild: IssuedCert;

  before(async () => {
    ca = await createCa(new Date(), 1);
    certA = await leaf('a.example.com', ['a.example.com']);
    certWild = await leaf('wild', ['*.wild.test']);
    backend = createServer((req, res) => res.end(`${req.headers.host} ${req.headers['x-forwarded-proto']}`));
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const port = (backend.address() as AddressInfo).port;
    table = emptyTable();
    table.anyHost.prefixes.push({
      path: '/',
      kind: 'Prefix',
      backend: { key: 'ns/web:80', endpoints: [{ host: '127.0.0.1', port }] },
      ingress: 'ns/i',
    });
    table.tls.set('a.example.com', asTls('ns/a@1', certA));
    table.tls.set('*.wild.test', asTls('ns/wild@1', certWild));
    proxy = new IngressProxy({ log: (m) => logs.push(m) });
    proxy.setTable(table);
    const fallback = await fallbackCertificate();
    const sni = new SniCertificates(
      () => proxy.current,
      fallback,
      (m) => logs.push(m),
    );
    https = await listen('https', '127.0.0.1', 0, proxy, sni);
  });

  after(async () => {
    await https.close();
    proxy.close();
    backend.close();
  });

  it("presents each host's certificate, verified against its CA, and proxies over it", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: https.port,
          servername: 'a.example.com',
          ca: ca.certPem,
          headers: { host: 'a.example.com' },
          agent: false,
        },
        (res) => {
          let s = '';
          res.on('data', (c: Buffer) => {
            s += c.toString();
          });
          res.on('end', () => resolve(s));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'a.example.com https');
    assert.equal((await peer(https.port, 'a.example.com')).subject.CN, 'a.example.com');
    assert.equal((await peer(https.port, 'x.wild.test')).subject.CN, 'wild');
  });

  it('presents RSA and ECDSA Secret certificates over TLS 1.3 and 1.2 alike (the fallback is RSA)', async () => {
    const rsa = await selfSignedRsa('rsa.example.com', ['rsa.example.com']);
    const t = { ...table, tls: new Map(table.tls) };
    t.tls.set('rsa.example.com', { id: 'ns/rsa@1', ...rsa });
    proxy.setTable(t);
    try {
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        for (const [name, cn] of [
          ['rsa.example.com', 'rsa.example.com'],
          ['a.example.com', 'a.example.com'],
        ]) {
          const socket = connect({
            host: '127.0.0.1',
            port: https.port,
            servername: name,
            rejectUnauthorized: false,
            maxVersion,
          });
          try {
            await once(socket, 'secureConnect');
            assert.equal(socket.getPeerCertificate().subject.CN, cn, `${name} over ${maxVersion}`);
          } finally {
            socket.destroy();
          }
        }
      }
    } finally {
      proxy.setTable(table);
    }
  });

  it('presents the fallback certificate for unknown names, deeper wildcard names and no SNI', async () => {
    for (const name of ['unknown.example.com', 'a.b.wild.test', undefined]) {
      assert.equal((await peer(https.port, name)).subject.CN, FALLBACK_COMMON_NAME, String(name));
    }
  });

  it('falls back (and says so once) when a certificate does not load', async () => {
    const other = await leaf('other', ['bad.example.com']);
    const t = { ...table, tls: new Map(table.tls) };
    // A key that does not belong to the certificate.
    t.tls.set('bad.example.com', { id: 'ns/bad@1', certPem: certA.certPem, keyPem: other.keyPem });
    proxy.setTable(t);
    for (let i = 0; i < 2; i++)
      assert.equal((await peer(https.port, 'bad.example.com')).subject.CN, FALLBACK_COMMON_NAME);
    assert.equal(logs.filter((l) => l.includes('ns/bad@1')).length, 1, logs.join('\n'));
    proxy.setTable(table);
  });

  it('serves a changed certificate to new connections while an open one keeps working', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ cn: string; reused: boolean }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: https.port,
            servername: 'a.example.com',
            ca: ca.certPem,
            headers: { host: 'a.example.com' },
            agent,
          },
          (res) => {
            const cn = String(
              (res.socket as unknown as { getPeerCertificate(): PeerCertificate }).getPeerCertificate()
                .subject.CN,
            );
            res.resume();
            res.on('end', () => resolve({ cn, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const first = await get();
      const renewed = await leaf('a.example.com renewed', ['a.example.com']);
      const t = { ...table, tls: new Map(table.tls) };
      t.tls.set('a.example.com', asTls('ns/a@2', renewed));
      proxy.setTable(t);
      const second = await get();
      assert.deepEqual(first, { cn: 'a.example.com', reused: false });
      assert.deepEqual(second, { cn: 'a.example.com', reused: true });
      assert.equal((await peer(https.port, 'a.example.com')).subject.CN, 'a.example.com renewed');
    } finally {
      agent.destroy();
      proxy.setTable(table);
    }
  });
});
