/**
 * Reads the server URL, CA and admin client certificate from a kubeconfig written by
 * `k8ts server` (inline base64 `*-data` fields, as the server writes them). Benchmark
 * use only; it does not resolve file references, tokens or multiple contexts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface Credentials {
  url: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

interface KubeconfigFile {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

function field(value: string | undefined, name: string): string {
  if (!value) throw new Error(`kubeconfig has no ${name}`);
  return value;
}

export function readCredentials(path: string): Credentials {
  const doc = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
  const cluster = doc.clusters?.[0]?.cluster;
  const user = doc.users?.[0]?.user;
  const b64 = (v: string | undefined, name: string) => Buffer.from(field(v, name), 'base64');
  return {
    url: field(cluster?.server, 'cluster server'),
    ca: b64(cluster?.['certificate-authority-data'], 'certificate-authority-data'),
    cert: b64(user?.['client-certificate-data'], 'client-certificate-data'),
    key: b64(user?.['client-key-data'], 'client-key-data'),
  };
}
