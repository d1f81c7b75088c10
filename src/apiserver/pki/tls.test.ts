/**
 * Real TLS handshakes with the generated certificates: the serving certificate is trusted
 * through the CA, the admin client certificate authenticates as admin/system:masters, and
 * a client certificate from another CA is not authorized.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensurePki } from './ensure.js';
import { mtlsGet, startMtlsServer } from './testing/mtls-server.js';
import { withTempDir } from './testing/temp-dir.js';

describe('TLS with the cluster PKI', () => {
  it('authenticates the admin client and rejects a foreign CA', async () => {
    await withTempDir(async (tmp) => {
      const pki = await ensurePki({ dir: join(tmp, 'tls'), hostnames: [], ips: ['10.43.0.1'] });
      const foreign = await ensurePki({ dir: join(tmp, 'other'), hostnames: [], ips: [] });
      const server = await startMtlsServer({
        key: pki.servingKeyPem,
        cert: pki.servingCertPem,
        ca: pki.caCertPem,
      });
      try {
        const ok = await mtlsGet(server.port, '/whoami', {
          ca: pki.caCertPem,
          cert: pki.adminCertPem,
          key: pki.adminKeyPem,
        });
        assert.equal(ok.status, 200);
        assert.deepEqual(server.seen[0], {
          authorized: true,
          identity: { user: 'admin', groups: ['system:masters'] },
        });

        const bad = await mtlsGet(server.port, '/whoami', {
          ca: pki.caCertPem,
          cert: foreign.adminCertPem,
          key: foreign.adminKeyPem,
        });
        assert.equal(bad.status, 401);
        assert.equal(server.seen[1]?.authorized, false);

        const group = await pki.issueClientCert({ commonName: 'jane', organizations: ['dev', 'ops'] });
        await mtlsGet(server.port, '/whoami', { ca: pki.caCertPem, cert: group.certPem, key: group.keyPem });
        assert.deepEqual(server.seen[2], {
          authorized: true,
          identity: { user: 'jane', groups: ['dev', 'ops'] },
        });

        // The client checks the server too: a client trusting only the foreign CA refuses it.
        await assert.rejects(
          mtlsGet(server.port, '/whoami', {
            ca: foreign.caCertPem,
            cert: pki.adminCertPem,
            key: pki.adminKeyPem,
          }),
          /self-signed|unable to verify|certificate/i,
        );
        // And the serving certificate answers for the in-cluster name.
        const inCluster = await mtlsGet(server.port, '/whoami', {
          ca: pki.caCertPem,
          cert: pki.adminCertPem,
          key: pki.adminKeyPem,
          servername: 'kubernetes.default.svc.cluster.local',
        });
        assert.equal(inCluster.status, 200);
      } finally {
        await server.close();
      }
    });
  });
});
