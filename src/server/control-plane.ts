/**
 * The control plane of `k8ts server` in one process: the API server over the store, and
 * the components that act on the cluster (controller manager; scheduler and simulated
 * nodes as they come), each talking to the API server through the in-process client as
 * its own system user. stop() stops them in reverse order.
 */
import { hostname } from 'node:os';
import { ApiServer, type ApiServerConfig } from '../apiserver/server.js';
import { Client } from '../client/client.js';
import { InProcessTransport } from '../client/inprocess.js';
import { ControllerManager } from '../controllers/manager.js';
import type { UserInfo } from '../registry/types.js';

export interface ControlPlaneOptions extends ApiServerConfig {
  /** Controllers to run (default: all); an empty list runs none. */
  controllers?: string[];
}

export interface ControlPlane {
  api: ApiServer;
  /** A client acting as `user`, straight into the API server's handler chain. */
  clientAs(user: UserInfo): Client;
  stop(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const api = await ApiServer.start(opts);
  const ac = new AbortController();
  const clientAs = (user: UserInfo) => new Client(new InProcessTransport(api.handler, user));
  const identity = `${hostname()}_${process.pid}`;
  const running: Promise<void>[] = [];
  if (!opts.controllers || opts.controllers.length > 0) {
    const manager = new ControllerManager({
      client: clientAs({ name: 'system:kube-controller-manager', groups: ['system:masters'] }),
      identity,
      log: (m) => opts.log(`controller-manager: ${m}`),
      ...(opts.controllers ? { enabled: opts.controllers } : {}),
    });
    running.push(
      manager.run(ac.signal).catch((err: unknown) => opts.log(`controller-manager: ${(err as Error).stack}`)),
    );
  }
  return {
    api,
    clientAs,
    async stop() {
      ac.abort();
      await Promise.all(running);
      await api.close();
    },
  };
}
