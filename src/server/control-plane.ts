/**
 * The control plane of `k8ts server` in one process: the API server over the store, and
 * the components that act on the cluster (controller manager, scheduler, cluster DNS,
 * simulated nodes, a kubelet with its ingress controller), each talking to the API server through the in-process client as
 * its own system user. stop() stops them in reverse order.
 */
import { hostname } from 'node:os';
import { ApiServer, type ApiServerConfig } from '../apiserver/server.js';
import { componentAgent } from '../apiserver/version.js';
import { Client } from '../client/client.js';
import { dropManagedFields, Informer } from '../client/informer.js';
import { InProcessTransport } from '../client/inprocess.js';
import { ControllerManager, type ControllerSettings } from '../controllers/manager.js';
import { ClusterDns, type ClusterDnsOptions } from '../dns/component.js';
import { IngressController, type IngressControllerOptions } from '../ingress/controller.js';
import { Kubelet, type KubeletOptions } from '../kubelet/agent/kubelet.js';
import type { SimulatorConfig } from '../kubelet/simulated/config.js';
import { Simulator } from '../kubelet/simulated/simulator.js';
import type { UserInfo } from '../registry/types.js';
import { runElectedScheduler } from '../scheduler/elected.js';

export interface ControlPlaneOptions extends ApiServerConfig {
  /** Controllers to run (default: all); an empty list runs none. */
  controllers?: string[];
  /** Flag-given tunables of the controllers (grace periods...). */
  controllerSettings?: ControllerSettings;
  /** Simulated nodes to run in this process (none when absent or count is 0). */
  simulatedNodes?: SimulatorConfig;
  /** Run the scheduler (default true), under leader election on the kube-scheduler Lease. */
  scheduler?: boolean;
  /** Run a real kubelet in this process (containers through containerd). */
  kubelet?: Omit<KubeletOptions, 'client' | 'tls' | 'log'>;
  /** Run the cluster DNS server (on the kubelet's pod-network gateway, if one runs here). */
  dns?: Omit<ClusterDnsOptions, 'client' | 'log'>;
  /** Run the built-in ingress controller on this node's address (with the kubelet). */
  ingress?: Omit<IngressControllerOptions, 'client' | 'log'>;
}

export interface ControlPlane {
  api: ApiServer;
  /** A client acting as `user`, straight into the API server's handler chain. */
  clientAs(user: UserInfo, component?: string): Client;
  /** The node simulator, when simulated nodes were asked for. */
  simulator?: Simulator;
  /** The kubelet, when one runs here. */
  kubelet?: Kubelet;
  /** The cluster DNS server, when one runs here. */
  dns?: ClusterDns;
  stop(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const api = await ApiServer.start(opts);
  const ac = new AbortController();
  /** A client acting as `user`, its writes managed as `component`'s (upstream's binary names). */
  const clientAs = (user: UserInfo, component?: string) =>
    new Client(new InProcessTransport(api.handler, user, component && componentAgent(component)));
  const identity = `${hostname()}_${process.pid}`;
  const running: Promise<void>[] = [];
  let dns: ClusterDns | undefined;
  if (opts.dns) {
    dns = new ClusterDns({
      ...opts.dns,
      client: clientAs({ name: 'system:k8ts-dns', groups: ['system:masters'] }, 'k8ts-dns'),
      log: (m) => opts.log(`dns: ${m}`),
    });
    try {
      await dns.start();
    } catch (err) {
      await dns.close();
      await api.close();
      throw err;
    }
  }
  const runsControllers = !opts.controllers || opts.controllers.length > 0;
  const simulating = opts.simulatedNodes !== undefined && opts.simulatedNodes.count > 0;
  // With simulated nodes, the node simulator and the controller manager share one pod
  // informer (one cache of every pod instead of two); the simulator runs it.
  const sharedPods =
    runsControllers && simulating
      ? new Informer(
          clientAs(
            { name: 'system:node-simulator', groups: ['system:nodes', 'system:masters'] },
            'kubelet',
          ).resource('', 'v1', 'pods'),
          { log: (m) => opts.log(`simulated nodes: ${m}`), transform: dropManagedFields },
        )
      : undefined;
  if (runsControllers) {
    const manager = new ControllerManager({
      client: clientAs(
        { name: 'system:kube-controller-manager', groups: ['system:masters'] },
        'kube-controller-manager',
      ),
      identity,
      log: (m) => opts.log(`controller-manager: ${m}`),
      ...(opts.controllers ? { enabled: opts.controllers } : {}),
      settings: { ...opts.controllerSettings, rootCA: api.pki.caCertPem },
      ...(sharedPods ? { borrowedInformers: [sharedPods] } : {}),
    });
    running.push(
      manager.run(ac.signal).catch((err: unknown) => opts.log(`controller-manager: ${(err as Error).stack}`)),
    );
  }
  if (opts.scheduler !== false) {
    const client = clientAs({ name: 'system:kube-scheduler', groups: ['system:masters'] }, 'kube-scheduler');
    const log = (m: string) => opts.log(`scheduler: ${m}`);
    running.push(
      runElectedScheduler({ client, identity, log }, ac.signal).catch((err: unknown) =>
        log(`${(err as Error).stack}`),
      ),
    );
  }
  let simulator: Simulator | undefined;
  if (opts.simulatedNodes && simulating) {
    // One client for every simulated kubelet. Authorization admits only system:masters for
    // now; once RBAC is evaluated, system:nodes is the group that matters.
    simulator = new Simulator({
      client: clientAs(
        { name: 'system:node-simulator', groups: ['system:nodes', 'system:masters'] },
        'kubelet',
      ),
      config: opts.simulatedNodes,
      log: (m) => opts.log(`simulated nodes: ${m}`),
      ...(sharedPods ? { podInformer: sharedPods } : {}),
    });
    running.push(
      simulator.run(ac.signal).catch((err: unknown) => opts.log(`simulated nodes: ${(err as Error).stack}`)),
    );
  }
  let kubelet: Kubelet | undefined;
  if (opts.kubelet) {
    const k = opts.kubelet;
    const serving = await api.pki.issueServingCert({
      dnsNames: [k.nodeName, 'localhost'],
      ips: [k.nodeIP],
      commonName: k.nodeName,
    });
    const log = (m: string) => opts.log(`kubelet: ${m}`);
    kubelet = new Kubelet({
      ...k,
      client: clientAs(
        { name: `system:node:${k.nodeName}`, groups: ['system:nodes', 'system:masters'] },
        'kubelet',
      ),
      tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: api.pki.caCertPem },
      log,
    });
    const started = kubelet;
    dns?.serveNode(k.nodeName, kubelet.networkReady);
    running.push(
      started.start().catch((err: unknown) => {
        if (!ac.signal.aborted) log(`failed to start: ${(err as Error).message}`);
      }),
    );
  }
  let ingress: IngressController | undefined;
  if (opts.ingress) {
    const started = new IngressController({
      ...opts.ingress,
      client: clientAs({ name: 'system:k8ts-ingress', groups: ['system:masters'] }, 'k8ts-ingress'),
      log: opts.log,
    });
    ingress = started;
    running.push(
      started.start(ac.signal).catch((err: unknown) => {
        if (!ac.signal.aborted) opts.log(`ingress: failed to start: ${(err as Error).message}`);
      }),
    );
  }
  return {
    api,
    clientAs,
    ...(simulator ? { simulator } : {}),
    ...(kubelet ? { kubelet } : {}),
    ...(dns ? { dns } : {}),
    async stop() {
      ac.abort();
      await ingress?.stop();
      await dns?.close();
      await kubelet?.stop();
      await Promise.all(running);
      await api.close();
    },
  };
}
