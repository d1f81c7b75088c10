/**
 * Connecting to a kubelet: TLS with the API server's kubelet-client certificate, not
 * verifying the kubelet's serving certificate (as kube-apiserver does when no kubelet CA
 * is configured), HTTP/1.1 only, bounded by a dial timeout. Also renders a failed dial
 * the way Go's net package words it. No HTTP here.
 */
import { isIP } from 'node:net';
import { type ConnectionOptions, connect, type TLSSocket } from 'node:tls';
import { hostPort, type KubeletLocation } from './location.js';

export interface KubeletClientCert {
  certPem: string;
  keyPem: string;
}

export const DIAL_TIMEOUT_MS = 30_000;

export function tlsOptions(loc: KubeletLocation, cert: KubeletClientCert): ConnectionOptions {
  return {
    host: loc.host,
    port: loc.port,
    cert: cert.certPem,
    key: cert.keyPem,
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
    ...(isIP(loc.host) ? {} : { servername: loc.host }),
  };
}

/** A TLS connection to the kubelet once its handshake is done; rejects on failure or timeout. */
export function dialKubelet(
  loc: KubeletLocation,
  cert: KubeletClientCert,
  timeoutMs = DIAL_TIMEOUT_MS,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(tlsOptions(loc, cert));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', onError);
  });
}

/** A dial failure as Go reports it, e.g. "dial tcp 10.0.0.1:10250: connect: connection refused". */
export function dialErrorText(err: unknown, loc: KubeletLocation): string {
  const e = err as NodeJS.ErrnoException;
  const hp = hostPort(loc);
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hp}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${hp}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${hp}: connect: network is unreachable`;
    case 'ETIMEDOUT':
      return `dial tcp ${hp}: i/o timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${loc.host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${hp}: read: connection reset by peer`;
    default:
      return e?.message ?? String(err);
  }
}
