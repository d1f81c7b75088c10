/**
 * Test support: a real API server over SQLite in a temporary directory on a free port,
 * with an in-process client for any user. Not used by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../client/client.js';
import { InProcessTransport } from '../client/inprocess.js';
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

export async function startTestApiServer(): Promise<TestApiServer> {
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
  return {
    server,
    dir,
    client: (user = { name: 'test', groups: ['system:masters'] }) =>
      new Client(new InProcessTransport(server.handler, user)),
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
