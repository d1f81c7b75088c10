/**
 * The service account signing key: an EC P-256 private key in `<data-dir>/tls/
 * service-account.key` (mode 0600) with its public half in `service-account.pub`, made on
 * first start and reused afterwards, so tokens survive restarts. A key file that does not
 * parse is an error for a human: replacing it would invalidate every issued token.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const KEY_FILE = 'service-account.key';
const PUB_FILE = 'service-account.pub';

export async function ensureServiceAccountKey(tlsDir: string): Promise<SigningKey> {
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const keyPath = join(tlsDir, KEY_FILE);
  let pem: string | undefined;
  try {
    pem = await readFile(keyPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (pem === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await writeAtomic(keyPath, pem, 0o600);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`unusable service account key ${keyPath}: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error(`unusable service account key ${keyPath}: want an EC P-256 key`);
  const publicKey = createPublicKey(privateKey);
  await writeAtomic(
    join(tlsDir, PUB_FILE),
    publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    0o644,
  );
  return { privateKey, publicKey };
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const h = await open(tmp, 'w', mode);
  try {
    await h.writeFile(data);
    await h.chmod(mode);
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
