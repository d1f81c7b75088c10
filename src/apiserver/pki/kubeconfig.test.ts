/**
 * Tests for writeKubeconfig: the YAML shape, the file mode, and the real kubectl talking
 * to a TLS server with the written credentials.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ensurePki } from './ensure.js';
import { writeKubeconfig } from './kubeconfig.js';
import { startMtlsServer } from './testing/mtls-server.js';
import { withTempDir } from './testing/temp-dir.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const run = promisify(execFile);

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  'current-context': string;
}

function unbase64(text: string | undefined): string {
  return Buffer.from(text ?? '', 'base64').toString('utf8');
}

async function kubectlAvailable(): Promise<boolean> {
  try {
    await access(KUBECTL);
    return true;
  } catch {
    return false;
  }
}

describe('writeKubeconfig', () => {
  it('writes a parseable kubeconfig, mode 0600, that round-trips the PEM data', async () => {
    await withTempDir(async (tmp) => {
      const pki = await ensurePki({ dir: join(tmp, 'tls'), hostnames: [], ips: [] });
      const path = join(tmp, 'etc', 'k8ts.yaml');
      await writeKubeconfig(path, {
        server: 'https://127.0.0.1:6443',
        caCertPem: pki.caCertPem,
        clientCertPem: pki.adminCertPem,
        clientKeyPem: pki.adminKeyPem,
      });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      const doc = parse(await readFile(path, 'utf8')) as Kubeconfig;
      assert.equal(doc.apiVersion, 'v1');
      assert.equal(doc.kind, 'Config');
      assert.equal(doc['current-context'], 'default');
      assert.deepEqual(doc.contexts, [{ name: 'default', context: { cluster: 'default', user: 'default' } }]);
      assert.equal(doc.clusters[0]?.name, 'default');
      assert.equal(doc.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
      assert.equal(unbase64(doc.clusters[0]?.cluster['certificate-authority-data']), pki.caCertPem);
      assert.equal(unbase64(doc.users[0]?.user['client-certificate-data']), pki.adminCertPem);
      assert.equal(unbase64(doc.users[0]?.user['client-key-data']), pki.adminKeyPem);

      await writeKubeconfig(path, {
        server: 'https://10.0.0.1:6443',
        caCertPem: pki.caCertPem,
        clientCertPem: pki.adminCertPem,
        clientKeyPem: pki.adminKeyPem,
        clusterName: 'lab',
        userName: 'root',
        contextName: 'lab-root',
      });
      const again = parse(await readFile(path, 'utf8')) as Kubeconfig;
      assert.equal(again['current-context'], 'lab-root');
      assert.deepEqual(again.contexts, [{ name: 'lab-root', context: { cluster: 'lab', user: 'root' } }]);
      assert.equal(again.users[0]?.name, 'root');
      assert.deepEqual(await readdir(join(tmp, 'etc')), ['k8ts.yaml'], 'no temp files left behind');
    });
  });

  it('lets the real kubectl reach a server with the admin credentials', async (t) => {
    if (!(await kubectlAvailable())) {
      t.skip(`${KUBECTL} not installed`);
      return;
    }
    await withTempDir(async (tmp) => {
      const pki = await ensurePki({ dir: join(tmp, 'tls'), hostnames: [], ips: [] });
      const server = await startMtlsServer({
        key: pki.servingKeyPem,
        cert: pki.servingCertPem,
        ca: pki.caCertPem,
      });
      try {
        const kubeconfig = join(tmp, 'admin.yaml');
        await writeKubeconfig(kubeconfig, {
          server: `https://127.0.0.1:${server.port}`,
          caCertPem: pki.caCertPem,
          clientCertPem: pki.adminCertPem,
          clientKeyPem: pki.adminKeyPem,
        });
        const { stdout } = await run(
          KUBECTL,
          ['--kubeconfig', kubeconfig, '--cache-dir', join(tmp, 'cache'), 'get', '--raw', '/version'],
          { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: tmp } },
        );
        assert.match(stdout, /v1\.32\.0/);
        assert.ok(server.seen.some((s) => s.authorized && s.identity?.user === 'admin'));
      } finally {
        await server.close();
      }
    });
  });
});
