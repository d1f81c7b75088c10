/**
 * Test support: a real API server over SQLite in a temporary directory on a free port,
 * with an in-process client for any user. Like a real control plane it runs the
 * ServiceAccount controller (every namespace gets its `default` ServiceAccount, which pod
 * admission requires) unless asked not to. Not used by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../client/client.js';
import { InformerFactory } from '../client/factory.js';
import { InProcessTransport } from '../client/inprocess.js';
import { ApiEventRecorder } from '../controllers/framework/recorder.js';
import { ServiceAccountController } from '../controllers/serviceaccount/controller.js';
import type { UserInfo } from '../registry/types.js';
import { SqliteStore } from '../storage/sqlite/store.js';
import { ApiServer } from './server.js';

export interface TestApiServer {
  server: ApiServer;
  dir: string;
  /** An in-process client acting as `user` (default: a member of system:masters). */
  client(user?: UserInfo): Client;
  close(): Promise<void>;
}

export interface TestApiServerOptions {
  /** Run the ServiceAccount controller (default true). */
  serviceAccounts?: boolean;
}

/** Runs the ServiceAccount controller against `server` until the returned stop is called. */
function runServiceAccountController(server: ApiServer): () => Promise<void> {
  const client = new Client(
    new InProcessTransport(server.handler, {
      name: 'system:serviceaccount:kube-system:service-account-controller',
      groups: ['system:masters'],
    }),
  );
  const log = () => {};
  const informers = new InformerFactory(client, log);
  const controller = new ServiceAccountController({
    client,
    informers,
    recorder: (component) => new ApiEventRecorder(client, component, log, Date.now),
    log,
    now: Date.now,
  });
  const ac = new AbortController();
  informers.start(ac.signal);
  const running = controller.run(ac.signal);
  return async () => {
    ac.abort();
    await running;
  };
}

export async function startTestApiServer(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-apiserver-'));
  const store = SqliteStore.open(join(dir, 'db', 'state.db'));
  const server = await ApiServer.start({
    dataDir: dir,
    store,
    bindAddress: '127.0.0.1',
    port: 0,
    tlsSans: [],
    serviceIP: '10.43.0.1',
    log: () => {},
  });
  const stopController = opts.serviceAccounts === false ? undefined : runServiceAccountController(server);
  return {
    server,
    dir,
    client: (user = { name: 'test', groups: ['system:masters'] }) =>
      new Client(new InProcessTransport(server.handler, user)),
    async close() {
      await stopController?.();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
