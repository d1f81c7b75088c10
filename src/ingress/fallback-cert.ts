/**
 * The certificate served for TLS server names no Ingress has a certificate for (and to
 * clients that send no server name): a throwaway self-signed certificate made in memory
 * once per controller start. Clients are not meant to trust it; it only lets the
 * handshake finish so the request gets an answer.
 *
 * It is RSA on purpose. OpenSSL keeps one certificate per key type on a connection, and
 * the certificate an SNI lookup selects replaces only the one of its own type; the
 * listener's default certificate stays in the other slot. TLS 1.3 clients prefer ECDSA,
 * so an ECDSA default would win over an RSA Secret's certificate. With an RSA default, an
 * RSA Secret replaces it and an ECDSA Secret is preferred over it.
 */
import { randomBytes } from 'node:crypto';
import { privateKeyPem, x509 } from '../apiserver/pki/provider.js';
import type { CertificatePair } from './tls.js';

export const FALLBACK_COMMON_NAME = 'k8ts ingress default certificate';

const RSA: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const DAY_MS = 24 * 60 * 60 * 1000;

/** A self-signed RSA serving certificate for `dnsNames`. */
export async function selfSignedRsa(
  commonName: string,
  dnsNames: string[],
  now = new Date(),
): Promise<CertificatePair> {
  const keys = await globalThis.crypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [commonName] }],
    notBefore: new Date(now.getTime() - 5 * 60 * 1000),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

export function fallbackCertificate(now = new Date()): Promise<CertificatePair> {
  return selfSignedRsa(FALLBACK_COMMON_NAME, ['ingress.local'], now);
}
