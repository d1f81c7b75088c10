/**
 * ensurePki: makes the cluster's certificate authority and the API server's own
 * certificates exist under <data-dir>/tls, reusing what is there and reissuing a leaf only
 * when it is missing, broken, about to expire or (serving) lacks a wanted name. The CA is
 * created once and never replaced here: replacing it would silently invalidate every
 * kubeconfig and agent, so a partial or broken CA is an error for a human to resolve.
 * Not safe against two processes initialising the same directory at once.
 */
import { createPrivateKey, X509Certificate as NodeCertificate } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { readIfExists, writeFileAtomic } from './files.js';
import { leafProblem } from './inspect.js';
import { type CaMaterial, createCa, type IssuedCert, issueLeaf, type LeafSpec } from './issue.js';
import { sanSet, wantedServingSans } from './sans.js';

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_WITHIN_DAYS = 30;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const DIR_MODE = 0o700;

export interface EnsurePkiOptions {
  /** `<data-dir>/tls`; created with mode 0700 if absent. */
  dir: string;
  /** Extra DNS names for the serving certificate (IP literals here are treated as IPs). */
  hostnames: string[];
  /** Extra IPs for the serving certificate, e.g. the first service IP and --tls-san IPs. */
  ips: string[];
  now?: () => Date;
}

export interface Pki {
  dir: string;
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** The API server's client certificate for kubelets (logs, exec, attach, port-forward). */
  kubeletClientCertPem: string;
  kubeletClientKeyPem: string;
  /** Leaves written by this call and why (empty when everything was reused), for logging. */
  reissued: Array<{ file: string; reason: string }>;
  /** A client certificate signed by the cluster CA (CN = user, O = groups). Not written to disk. */
  issueClientCert(opts: { commonName: string; organizations?: string[]; days?: number }): Promise<IssuedCert>;
  /** A serving certificate signed by the cluster CA, e.g. for a kubelet. Not written to disk. */
  issueServingCert(opts: {
    dnsNames: string[];
    ips: string[];
    commonName: string;
    days?: number;
  }): Promise<IssuedCert>;
}

export async function ensurePki(opts: EnsurePkiOptions): Promise<Pki> {
  const now = opts.now ?? (() => new Date());
  await mkdir(opts.dir, { recursive: true, mode: DIR_MODE });
  await chmod(opts.dir, DIR_MODE);
  const ca = await ensureCa(opts.dir, now());
  const reissued: Pki['reissued'] = [];

  const wantedSans = wantedServingSans({ hostname: osHostname(), hostnames: opts.hostnames, ips: opts.ips });
  const serving = await ensureLeaf(opts.dir, 'serving', ca, now(), reissued, {
    commonName: 'kube-apiserver',
    usage: 'server',
    sans: wantedSans,
    days: LEAF_DAYS,
  });
  const admin = await ensureLeaf(opts.dir, 'client-admin', ca, now(), reissued, {
    commonName: 'admin',
    organizations: ['system:masters'],
    usage: 'client',
    days: LEAF_DAYS,
  });
  const kubeletClient = await ensureLeaf(opts.dir, 'client-apiserver-kubelet', ca, now(), reissued, {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: ['system:masters'],
    usage: 'client',
    days: LEAF_DAYS,
  });

  return {
    dir: opts.dir,
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
    kubeletClientCertPem: kubeletClient.certPem,
    kubeletClientKeyPem: kubeletClient.keyPem,
    reissued,
    issueClientCert: (o) =>
      issueLeaf(
        ca,
        {
          commonName: o.commonName,
          organizations: o.organizations ?? [],
          usage: 'client',
          days: o.days ?? LEAF_DAYS,
        },
        now(),
      ),
    issueServingCert: (o) =>
      issueLeaf(
        ca,
        {
          commonName: o.commonName,
          usage: 'server',
          sans: sanSet(o.dnsNames, o.ips),
          days: o.days ?? LEAF_DAYS,
        },
        now(),
      ),
  };
}

async function ensureCa(dir: string, now: Date): Promise<CaMaterial> {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    const ca = await createCa(now, CA_DAYS);
    await writePair(dir, 'ca', ca);
    return ca;
  }
  if (certPem === undefined || keyPem === undefined) {
    const missing = certPem === undefined ? certPath : keyPath;
    throw new Error(`incomplete cluster CA: ${missing} is missing (restore it, or remove both CA files)`);
  }
  let cert: NodeCertificate;
  try {
    cert = new NodeCertificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem)))
      throw new Error(`${keyPath} does not match ${certPath}`);
  } catch (err) {
    throw new Error(`unusable cluster CA in ${dir}: ${(err as Error).message}`);
  }
  if (!cert.ca) throw new Error(`unusable cluster CA: ${certPath} is not a CA certificate`);
  return { certPem, keyPem };
}

async function ensureLeaf(
  dir: string,
  name: string,
  ca: CaMaterial,
  now: Date,
  reissued: Pki['reissued'],
  spec: LeafSpec,
): Promise<IssuedCert> {
  const [certPem, keyPem] = await Promise.all([
    readIfExists(join(dir, `${name}.crt`)),
    readIfExists(join(dir, `${name}.key`)),
  ]);
  let problem = 'missing';
  if (certPem !== undefined && keyPem !== undefined) {
    const found = leafProblem({
      caCertPem: ca.certPem,
      certPem,
      keyPem,
      now,
      renewWithinDays: RENEW_WITHIN_DAYS,
      ...(spec.sans ? { wantedSans: spec.sans } : {}),
    });
    if (found === undefined) return { certPem, keyPem };
    problem = found;
  }
  const leaf = await issueLeaf(ca, spec, now);
  await writePair(dir, name, leaf);
  reissued.push({ file: `${name}.crt`, reason: problem });
  return leaf;
}

/**
 * Key first. For a leaf, a crash between the two writes leaves a key/cert mismatch that
 * the next run repairs; for the CA it leaves an incomplete CA, which ensureCa reports.
 */
async function writePair(dir: string, name: string, pair: IssuedCert): Promise<void> {
  await writeFileAtomic(join(dir, `${name}.key`), pair.keyPem, KEY_MODE);
  await writeFileAtomic(join(dir, `${name}.crt`), pair.certPem, CERT_MODE);
}
