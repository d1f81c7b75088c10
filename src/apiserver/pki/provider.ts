/**
 * The one place that loads @peculiar/x509: it needs reflect-metadata loaded first and a
 * WebCrypto provider, and ECDSA P-256 / SHA-256 is the only key and signature choice this
 * cluster makes. Other pki modules import `x509` and the key helpers from here and never
 * from the library directly. Must not touch the file system.
 */
import 'reflect-metadata';
import { createPrivateKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto (globalThis.crypto is node:crypto's webcrypto).
const subtle = globalThis.crypto.subtle;
x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

const EC_KEY: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** The algorithm every certificate here is signed with. */
export const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export function generateKeyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

/** PKCS#8 PEM ("PRIVATE KEY"), as Node and kubectl read it. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  const keyObject = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  return keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * A signing key from PEM. Throws if the key is not ECDSA P-256, because certificates are
 * signed with ECDSA and a foreign CA key would otherwise fail obscurely inside WebCrypto.
 */
export async function importSigningKey(pem: string): Promise<CryptoKey> {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(
      `unsupported CA key: want an ECDSA P-256 key, got ${key.asymmetricKeyType ?? 'unknown'}` +
        (key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''),
    );
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
}
