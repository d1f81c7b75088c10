/**
 * A real API server (SQLite in a temporary directory) with chosen controllers running
 * against it through the in-process client, for the integration tests of the controllers
 * in this and the sibling lifecycle folders. stop() ends the controllers, the informers,
 * the server and the store, and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '../../apiserver/server.js';
import { Client } from '../../client/client.js';
import { InformerFactory } from '../../client/factory.js';
import { InProcessTransport } from '../../client/inprocess.js';
import { SqliteStore } from '../../storage/sqlite/store.js';
import type { Controller, ControllerContext } from '../framework/controller.js';
import { ApiEventRecorder } from '../framework/recorder.js';

export interface TestCluster {
  client: Client;
  server: ApiServer;
  stop(): Promise<void>;
}

export async function startTestCluster(
  controllers: (ctx: ControllerContext) => Controller[],
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-lifecycle-'));
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
  const client = new Client(
    new InProcessTransport(server.handler, { name: 'test', groups: ['system:masters'] }),
  );
  const informers = new InformerFactory(client);
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new ApiEventRecorder(client, component),
    log: () => {},
    now: Date.now,
  };
  const ac = new AbortController();
  const running = controllers(ctx);
  informers.start(ac.signal);
  const runs = running.map((c) => c.run(ac.signal));
  return {
    client,
    server,
    async stop() {
      ac.abort();
      await Promise.all(runs);
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `f` until it returns something other than undefined (bounded, never a timing assertion). */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves to true once `f` throws a 404 (the object is gone). */
export function gone(f: () => Promise<unknown>): Promise<true | undefined> {
  return f().then(
    () => undefined,
    (err: unknown) => ((err as { code?: number }).code === 404 ? true : undefined),
  );
}
