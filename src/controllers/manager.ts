/**
 * The controller manager: builds every controller over one set of shared informers and
 * runs them while this process holds the `kube-controller-manager` lease, so that two
 * servers never run the same controller at once.
 */
import { setMaxListeners } from 'node:events';
import type { Client } from '../client/client.js';
import { InformerFactory } from '../client/factory.js';
import { dropManagedFields, type Informer } from '../client/informer.js';
import { LeaderElector } from '../client/leader.js';
import { CronJobController } from './cronjob/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { DisruptionController } from './disruption/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import type { Controller, ControllerContext } from './framework/controller.js';
import { ApiEventRecorder } from './framework/recorder.js';
import { GarbageCollector } from './garbagecollector/controller.js';
import { JobController } from './job/controller.js';
import { LocalPathProvisioner } from './localpath/controller.js';
import { NamespaceController } from './namespace/controller.js';
import { NodeIpamController, type NodeIpamSettings } from './nodeipam/controller.js';
import { type NodeLifecycleSettings, nodeLifecycleController } from './nodelifecycle/index.js';
import { PodGcController, type PodGcOptions } from './podgc/controller.js';
import { PersistentVolumeBinder } from './pvbinder/controller.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { ReplicationControllerController } from './replicationcontroller/controller.js';
import { ResourceQuotaController } from './resourcequota/controller.js';
import { RootCaCertPublisher } from './rootcacert/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { ServiceLoadBalancerController } from './servicelb/controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import { TtlAfterFinishedController } from './ttlafterfinished/controller.js';

/** Tunables from the server's flags, for the controllers that have any. */
export interface ControllerSettings {
  nodeLifecycle?: NodeLifecycleSettings;
  /** `--cluster-cidr` and the per-node mask. */
  nodeIpam?: NodeIpamSettings;
  /** `--terminated-pod-gc-threshold` and the like. */
  podGC?: PodGcOptions;
  /** Where local-path volumes go on the nodes (default /var/lib/k8ts/storage). */
  storageRoot?: string;
  /** The cluster CA (PEM) published as `kube-root-ca.crt` in every namespace. */
  rootCA?: string;
}

export type ControllerFactory = (ctx: ControllerContext, settings: ControllerSettings) => Controller;

/** Every controller, by name. Each folder under src/controllers/ adds its own here. */
export const CONTROLLERS: Record<string, ControllerFactory> = {
  serviceaccount: (ctx) => new ServiceAccountController(ctx),
  'root-ca-cert-publisher': (ctx, s) => new RootCaCertPublisher(ctx, s.rootCA),
  replicaset: (ctx) => new ReplicaSetController(ctx),
  replicationcontroller: (ctx) => new ReplicationControllerController(ctx),
  deployment: (ctx) => new DeploymentController(ctx),
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  endpoints: (ctx) => new EndpointsController(ctx),
  endpointslice: (ctx) => new EndpointSliceController(ctx),
  disruption: (ctx) => new DisruptionController(ctx),
  resourcequota: (ctx) => new ResourceQuotaController(ctx),
  nodelifecycle: (ctx, s) => nodeLifecycleController(ctx, s.nodeLifecycle),
  nodeipam: (ctx, s) => new NodeIpamController(ctx, s.nodeIpam),
  statefulset: (ctx) => new StatefulSetController(ctx),
  daemonset: (ctx) => new DaemonSetController(ctx),
  job: (ctx) => new JobController(ctx),
  cronjob: (ctx) => new CronJobController(ctx),
  'ttl-after-finished': (ctx) => new TtlAfterFinishedController(ctx),
  podgc: (ctx, s) => new PodGcController(ctx, s.podGC),
  'persistentvolume-binder': (ctx) => new PersistentVolumeBinder(ctx),
  servicelb: (ctx) => new ServiceLoadBalancerController(ctx),
  'local-path-provisioner': (ctx, s) =>
    new LocalPathProvisioner(ctx, s.storageRoot ? { storageRoot: s.storageRoot } : {}),
};

export interface ManagerOptions {
  client: Client;
  identity: string;
  log: (msg: string) => void;
  now?: () => number;
  /** Names of controllers to run (default: all). */
  enabled?: string[];
  settings?: ControllerSettings;
  /** Cluster-wide informers another component of this process runs, used instead of new ones. */
  borrowedInformers?: Informer[];
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
    // Every informer and controller waits on this one signal.
    setMaxListeners(0, signal);
    const informers = new InformerFactory(this.opts.client, this.opts.log, {
      transform: dropManagedFields,
      borrowed: this.opts.borrowedInformers ?? [],
      scope: signal,
    });
    const ctx: ControllerContext = {
      client: this.opts.client,
      informers,
      recorder: (component) => new ApiEventRecorder(this.opts.client, component, this.opts.log),
      log: this.opts.log,
      now: this.opts.now ?? Date.now,
    };
    const names = this.opts.enabled ?? Object.keys(CONTROLLERS);
    const controllers = names.map((n) => CONTROLLERS[n]!(ctx, this.opts.settings ?? {}));
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
