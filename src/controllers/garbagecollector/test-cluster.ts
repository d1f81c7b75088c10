/**
 * A real API server (the shared test API server) with chosen controllers running
 * against it through the in-process client, for the integration tests of the controllers
 * in this and the sibling lifecycle folders. stop() ends the controllers, the informers,
 * the server and the store, and removes the directory.
 */
import { setMaxListeners } from 'node:events';
import type { ApiServer } from '../../apiserver/server.js';
import { startTestApiServer } from '../../apiserver/testing.js';
import type { Client } from '../../client/client.js';
import { InformerFactory } from '../../client/factory.js';
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
  const api = await startTestApiServer();
  const client = api.client();
  const informers = new InformerFactory(client);
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new ApiEventRecorder(client, component),
    log: () => {},
    now: Date.now,
  };
  const ac = new AbortController();
  // Every informer and controller waits on this one signal.
  setMaxListeners(0, ac.signal);
  const running = controllers(ctx);
  informers.start(ac.signal);
  const runs = running.map((c) => c.run(ac.signal));
  return {
    client,
    server: api.server,
    async stop() {
      ac.abort();
      await Promise.all(runs);
      await api.close();
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
