/** The kubectl scenario on both storage backends: embedded SQLite, and a real etcd. */
import { after, before } from 'node:test';
import { type EtcdCluster, startEtcd } from '../support/etcd.js';
import { startServer } from '../support/server.js';
import { kubectlScenario } from './kubectl-scenario.js';

kubectlScenario('sqlite', () => startServer());

let etcd: EtcdCluster | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});
kubectlScenario('etcd', () => startServer({ datastoreEndpoint: etcd!.endpoints.join(',') }));
