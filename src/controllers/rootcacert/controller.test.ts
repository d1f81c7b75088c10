/**
 * The root CA publisher against a real API server: the ConfigMap appears in existing and
 * new namespaces, comes back when deleted and is repaired when edited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isNotFound } from '../../client/errors.js';
import {
  type RunningControllers,
  runControllers,
  startTestCluster,
  type TestCluster,
  until,
} from '../framework/testing.js';
import { ROOT_CA_CONFIGMAP, RootCaCertPublisher } from './controller.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

describe('root CA publisher', () => {
  let cluster: TestCluster;
  let running: RunningControllers;
  before(async () => {
    cluster = await startTestCluster();
    running = runControllers(cluster.client, (ctx) => [new RootCaCertPublisher(ctx, CA)]);
  });
  after(async () => {
    await running.stop();
    await cluster.close();
    assert.deepEqual(running.logs, []);
  });

  async function caIn(ns: string): Promise<string | undefined> {
    try {
      const cm = await cluster.client.resource('', 'v1', 'configmaps').get(ns, ROOT_CA_CONFIGMAP);
      return ((cm['data'] ?? {}) as Record<string, string>)['ca.crt'];
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  it('publishes the CA in every namespace, and keeps it there', async () => {
    await until('default has it', async () => (await caIn('default')) === CA);
    await cluster.client.resource('', 'v1', 'namespaces').create(undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'fresh' },
    });
    await until('fresh has it', async () => (await caIn('fresh')) === CA);

    const cms = cluster.client.resource('', 'v1', 'configmaps');
    await cms.delete('fresh', ROOT_CA_CONFIGMAP);
    await until('re-created', async () => (await caIn('fresh')) === CA);

    await cms.patch('fresh', ROOT_CA_CONFIGMAP, { data: { 'ca.crt': 'tampered' } });
    await until('repaired', async () => (await caIn('fresh')) === CA);
  });
});
