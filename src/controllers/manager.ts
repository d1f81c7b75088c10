/**
 * The controller manager: builds every controller over one set of shared informers and
 * runs them while this process holds the `kube-controller-manager` lease, so that two
 * servers never run the same controller at once.
 */
import type { Client } from '../client/client.js';
import { InformerFactory } from '../client/factory.js';
import { LeaderElector } from '../client/leader.js';
import type { Controller, ControllerContext } from './framework/controller.js';
import { ApiEventRecorder } from './framework/recorder.js';
import { ServiceAccountController } from './serviceaccount/controller.js';

export type ControllerFactory = (ctx: ControllerContext) => Controller;

/** Every controller, by name. Each folder under src/controllers/ adds its own here. */
export const CONTROLLERS: Record<string, ControllerFactory> = {
  serviceaccount: (ctx) => new ServiceAccountController(ctx),
};

export interface ManagerOptions {
  client: Client;
  identity: string;
  log: (msg: string) => void;
  now?: () => number;
  /** Names of controllers to run (default: all). */
  enabled?: string[];
}

export class ControllerManager {
  constructor(private readonly opts: ManagerOptions) {}

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const elector = new LeaderElector({
      client: this.opts.client,
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      identity: this.opts.identity,
      log: this.opts.log,
    });
    await elector.run(signal, (term) => void this.lead(term));
  }

  private async lead(signal: AbortSignal): Promise<void> {
    const informers = new InformerFactory(this.opts.client, this.opts.log);
    const ctx: ControllerContext = {
      client: this.opts.client,
      informers,
      recorder: (component) => new ApiEventRecorder(this.opts.client, component, this.opts.log),
      log: this.opts.log,
      now: this.opts.now ?? Date.now,
    };
    const names = this.opts.enabled ?? Object.keys(CONTROLLERS);
    const controllers = names.map((n) => CONTROLLERS[n]!(ctx));
    informers.start(signal);
    await Promise.all(
      controllers.map((c) =>
        c
          .run(signal)
          .catch((err: unknown) => this.opts.log(`controller ${c.name} stopped: ${(err as Error).stack}`)),
      ),
    );
  }
}
