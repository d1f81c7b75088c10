/** Tests for ensurePki: what it creates, what it reuses, and when it reissues. */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensurePki, type Pki } from './ensure.js';
import { x509 } from './provider.js';
import { withTempDir } from './testing/temp-dir.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const base = { hostnames: ['api.example.test'], ips: ['10.43.0.1'] };

function pems(p: Pki): string[] {
  return [p.caCertPem, p.caKeyPem, p.servingCertPem, p.servingKeyPem, p.adminCertPem, p.adminKeyPem];
}

describe('ensurePki', () => {
  it('creates the CA, serving and admin certificates with private modes', async () => {
    await withTempDir(async (tmp) => {
      const dir = join(tmp, 'tls');
      const pki = await ensurePki({ dir, ...base });
      assert.equal(pki.dir, dir);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      for (const name of ['ca', 'serving', 'client-admin']) {
        assert.equal((await stat(join(dir, `${name}.key`))).mode & 0o777, 0o600, `${name}.key`);
        assert.equal((await stat(join(dir, `${name}.crt`))).mode & 0o777, 0o644, `${name}.crt`);
        assert.match(await readFile(join(dir, `${name}.key`), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      }
      assert.equal(await readFile(join(dir, 'serving.crt'), 'utf8'), pki.servingCertPem);

      const ca = new X509Certificate(pki.caCertPem);
      const serving = new X509Certificate(pki.servingCertPem);
      const admin = new X509Certificate(pki.adminCertPem);
      assert.equal(ca.ca, true);
      assert.equal(serving.ca, false);
      assert.equal(admin.ca, false);
      assert.match(ca.subject, /^CN=k8ts-ca@\d+$/);
      assert.ok(ca.verify(ca.publicKey));
      assert.ok(serving.verify(ca.publicKey));
      assert.ok(admin.verify(ca.publicKey));
      assert.ok(serving.checkIssued(ca) && admin.checkIssued(ca));

      for (const host of [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        'api.example.test',
        hostname(),
      ]) {
        assert.equal(serving.checkHost(host), host, host);
      }
      for (const ip of ['127.0.0.1', '::1', '10.43.0.1']) assert.equal(serving.checkIP(ip), ip, ip);
      assert.equal(serving.checkHost('elsewhere.test'), undefined);
      assert.equal(serving.checkIP('10.43.0.2'), undefined);
      assert.match(serving.subject, /CN=kube-apiserver/);
      assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']);

      assert.deepEqual(admin.subject.split('\n').sort(), ['CN=admin', 'O=system:masters']);
      assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
      assert.equal(admin.subjectAltName, undefined);

      const caDays = (Date.parse(ca.validTo) - Date.now()) / DAY_MS;
      const leafDays = (Date.parse(serving.validTo) - Date.now()) / DAY_MS;
      assert.ok(caDays > 3640 && caDays <= 3650, `CA valid ${caDays} days`);
      assert.ok(leafDays > 360 && leafDays <= 365, `leaf valid ${leafDays} days`);
      assert.deepEqual(
        pki.reissued.map((r) => r.file),
        ['serving.crt', 'client-admin.crt', 'client-apiserver-kubelet.crt'],
      );
    });
  });

  it('marks the CA extensions critical and links leaves to it by key identifier', async () => {
    await withTempDir(async (dir) => {
      const pki = await ensurePki({ dir, ...base });
      const ca = new x509.X509Certificate(pki.caCertPem);
      const bc = ca.getExtension(x509.BasicConstraintsExtension);
      const ku = ca.getExtension(x509.KeyUsagesExtension);
      const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
      assert.ok(bc?.ca && bc.critical);
      assert.ok(ku?.critical);
      const F = x509.KeyUsageFlags;
      assert.equal(ku.usages, F.keyCertSign | F.cRLSign | F.digitalSignature);
      assert.ok(ski);
      for (const pem of [pki.servingCertPem, pki.adminCertPem]) {
        const aki = new x509.X509Certificate(pem).getExtension(x509.AuthorityKeyIdentifierExtension);
        assert.equal(aki?.keyId, ski.keyId);
      }
    });
  });

  it('reuses everything on a second call with the same options', async () => {
    await withTempDir(async (dir) => {
      const first = await ensurePki({ dir, ...base });
      // The same IPv6 address spelt differently is the same SAN.
      const second = await ensurePki({ dir, hostnames: ['API.example.test'], ips: ['10.43.0.1', '0:0::1'] });
      assert.deepEqual(pems(second), pems(first));
      assert.deepEqual(second.reissued, []);
    });
  });

  it('reissues only the serving certificate when a new name is wanted', async () => {
    await withTempDir(async (dir) => {
      const first = await ensurePki({ dir, ...base });
      const second = await ensurePki({
        dir,
        hostnames: [...base.hostnames, 'new.example.test'],
        ips: base.ips,
      });
      assert.equal(second.caCertPem, first.caCertPem);
      assert.equal(second.caKeyPem, first.caKeyPem);
      assert.equal(second.adminCertPem, first.adminCertPem);
      assert.notEqual(second.servingCertPem, first.servingCertPem);
      assert.notEqual(second.servingKeyPem, first.servingKeyPem);
      const serving = new X509Certificate(second.servingCertPem);
      assert.equal(serving.checkHost('new.example.test'), 'new.example.test');
      assert.ok(serving.verify(new X509Certificate(first.caCertPem).publicKey));
      assert.deepEqual(second.reissued, [
        { file: 'serving.crt', reason: 'missing subject alternative names' },
      ]);
      assert.equal(await readFile(join(dir, 'serving.crt'), 'utf8'), second.servingCertPem);

      const third = await ensurePki({ dir, hostnames: [], ips: ['10.43.0.1'] });
      assert.equal(third.servingCertPem, second.servingCertPem, 'a subset of the SANs needs no new cert');
      const fourth = await ensurePki({ dir, hostnames: [], ips: ['10.43.0.1', '192.168.1.10'] });
      assert.equal(new X509Certificate(fourth.servingCertPem).checkIP('192.168.1.10'), '192.168.1.10');
    });
  });

  it('renews leaves that expire within 30 days and keeps the CA', async () => {
    await withTempDir(async (dir) => {
      const first = await ensurePki({ dir, ...base });
      const later = new Date(Date.now() + 340 * DAY_MS);
      const second = await ensurePki({ dir, ...base, now: () => later });
      assert.equal(second.caCertPem, first.caCertPem);
      assert.notEqual(second.servingCertPem, first.servingCertPem);
      assert.notEqual(second.adminCertPem, first.adminCertPem);
      assert.deepEqual(
        second.reissued.map((r) => r.reason),
        ['expires soon', 'expires soon', 'expires soon'],
      );
      const admin = new X509Certificate(second.adminCertPem);
      assert.ok(Date.parse(admin.validTo) > later.getTime() + 360 * DAY_MS);
    });
  });

  it('repairs a missing or mismatched leaf', async () => {
    await withTempDir(async (dir) => {
      const first = await ensurePki({ dir, ...base });
      await unlink(join(dir, 'client-admin.crt'));
      await writeFile(join(dir, 'serving.key'), first.adminKeyPem);
      const second = await ensurePki({ dir, ...base });
      assert.equal(second.caCertPem, first.caCertPem);
      assert.deepEqual(second.reissued, [
        { file: 'serving.crt', reason: 'key does not match certificate' },
        { file: 'client-admin.crt', reason: 'missing' },
      ]);
    });
  });

  it('refuses an incomplete CA instead of replacing it', async () => {
    await withTempDir(async (dir) => {
      await ensurePki({ dir, ...base });
      await unlink(join(dir, 'ca.key'));
      await assert.rejects(ensurePki({ dir, ...base }), /incomplete cluster CA: .*ca\.key is missing/);
    });
  });

  it('rejects an IP that is not one', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(ensurePki({ dir, hostnames: [], ips: ['10.43.0.300'] }), /not an IP address/);
    });
  });

  it('issues further client and serving certificates from the CA', async () => {
    await withTempDir(async (dir) => {
      const pki = await ensurePki({ dir, ...base });
      const ca = new X509Certificate(pki.caCertPem);
      const client = await pki.issueClientCert({
        commonName: 'system:node:n1',
        organizations: ['system:nodes'],
      });
      const c = new X509Certificate(client.certPem);
      assert.ok(c.verify(ca.publicKey));
      assert.deepEqual(c.subject.split('\n').sort(), ['CN=system:node:n1', 'O=system:nodes']);
      assert.ok(c.checkPrivateKey(createPrivateKey(client.keyPem)));

      const kubelet = await pki.issueServingCert({ commonName: 'n1', dnsNames: ['n1'], ips: ['10.0.0.5'] });
      const k = new X509Certificate(kubelet.certPem);
      assert.ok(k.verify(ca.publicKey));
      assert.equal(k.checkHost('n1'), 'n1');
      assert.equal(k.checkIP('10.0.0.5'), '10.0.0.5');
      assert.deepEqual(k.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    });
  });
});
