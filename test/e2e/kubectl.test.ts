/** The kubectl scenario on both storage backends: embedded SQLite, and a real etcd. */
import { after, before } from 'node:test';
import { type EtcdCluster, startEtcd } from '../support/etcd.js';
import { startServer } from '../support/server.js';
import { kubectlScenario } from './kubectl-scenario.js';

// The scenario checks what the API stores; controllers (the garbage collector above all)
// would act on it, so it runs with the ServiceAccount controller only.
const API_ONLY = ['--controllers=serviceaccount'];

kubectlScenario('sqlite', () => startServer({ args: API_ONLY }));

let etcd: EtcdCluster | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});
kubectlScenario('etcd', () => startServer({ datastoreEndpoint: etcd!.endpoints.join(','), args: API_ONLY }));
