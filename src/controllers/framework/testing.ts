/**
 * Test support for controllers: a real API server over SQLite in a temporary directory,
 * reached through the in-process client, and a way to run controllers over shared
 * informers as the controller manager does. No kubelet or scheduler runs, so tests make
 * pods ready themselves (setPodReady). Every wait is bounded. Not used by production code.
 */
import { startTestApiServer } from '../../apiserver/testing.js';
import type { Client, PatchType, ResourceClient } from '../../client/client.js';
import { isConflict } from '../../client/errors.js';
import { InformerFactory } from '../../client/factory.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import type { Controller, ControllerContext } from './controller.js';
import { ApiEventRecorder } from './recorder.js';

export interface TestCluster {
  client: Client;
  close(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const api = await startTestApiServer();
  return {
    client: api.client({ name: 'system:kube-controller-manager', groups: ['system:masters'] }),
    close: () => api.close(),
  };
}

export interface RunningControllers {
  ctx: ControllerContext;
  logs: string[];
  stop(): Promise<void>;
}

/** Builds controllers over fresh shared informers and runs them until stop(). */
export function runControllers(
  client: Client,
  build: (ctx: ControllerContext) => Controller[],
  now: () => number = Date.now,
): RunningControllers {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const informers = new InformerFactory(client, log);
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new ApiEventRecorder(client, component, log, now),
    log,
    now,
  };
  const controllers = build(ctx);
  const ac = new AbortController();
  informers.start(ac.signal);
  const running = Promise.all(controllers.map((c) => c.run(ac.signal)));
  return {
    ctx,
    logs,
    async stop() {
      ac.abort();
      await running;
    },
  };
}

/** Polls `f` until it returns a truthy value (returned) or `ms` pass (throws, naming `what`). */
export async function until<T>(what: string, f: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Marks a pod Running and Ready (or not ready) through its status, as a kubelet would. */
export async function setPodReady(
  client: Client,
  pod: KObject,
  ready = true,
  since = Date.now(),
): Promise<KObject> {
  const pods = client.resource('', 'v1', 'pods');
  const fresh = await pods.get(pod.metadata?.namespace, pod.metadata!.name!);
  const status = (fresh['status'] ?? {}) as Record<string, unknown>;
  return pods.updateStatus({
    ...fresh,
    status: {
      ...status,
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: timestamp(since) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: timestamp(since) },
      ],
    },
  });
}

/** The pods of a namespace with these labels (from the API, not a cache). */
export async function listPods(client: Client, namespace: string, labelSelector: string): Promise<KObject[]> {
  const list = await client.resource('', 'v1', 'pods').list(namespace, { labelSelector });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** Events about the object named `name` in `namespace`, as "Reason: message" lines. */
export async function eventsFor(client: Client, namespace: string, name: string): Promise<string[]> {
  const list = await client
    .resource('', 'v1', 'events')
    .list(namespace, { fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e['reason']}: ${e['message']}`);
}

/**
 * A patch retried on 409 Conflict: the API server may answer Conflict to a PATCH without
 * a resourceVersion that races another write (a controller's status update).
 */
export async function patchRetrying(
  client: ResourceClient,
  namespace: string,
  name: string,
  patch: unknown,
  type: PatchType = 'merge',
): Promise<KObject> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.patch(namespace, name, patch, type);
    } catch (err) {
      if (!isConflict(err) || attempt >= 10) throw err;
    }
  }
}
