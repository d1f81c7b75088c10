/**
 * The node simulator: runs N Node objects in one process, cheaply enough for thousands
 * (like KWOK). One node informer and one pod informer (indexed by spec.nodeName) serve
 * every node, one timer drives every heartbeat and pod transition, and one Limiter bounds
 * the writes in flight. Each node registers, heartbeats through its Lease and status
 * (heartbeat.ts), and runs the pods bound to it (pod-worker.ts, pod-runtime.ts).
 *
 * A node can be taken down and brought back, through setNodeDown() or the
 * `sim.k8ts.io/down: "true"` annotation on its Node: while down it renews nothing and
 * touches none of its pods, as a kubelet cut off from the API server. Nothing here talks
 * to the operating system: no containers, no addresses, no routes.
 */
import type { Client } from '../../client/client.js';
import { dropManagedFields, Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { nodeInternalIP, nodePodCIDR } from './addresses.js';
import { DOWN_ANNOTATION, isTrue } from './annotations.js';
import type { SimulatorConfig } from './config.js';
import { DueTimer } from './due-timer.js';
import { Heartbeats } from './heartbeat.js';
import { Limiter } from './limiter.js';
import { machineConfig } from './pod-runtime.js';
import { NODE_NAME_INDEX, nodeNameOf, PodWorker } from './pod-worker.js';
import { isDown, type SimNode } from './sim-node.js';

export interface SimulatorOptions {
  client: Client;
  config: SimulatorConfig;
  log: (msg: string) => void;
  now?: () => number;
  /** Lease renewal interval (default: the config's, else the kubelet's 10 s). */
  leaseRenewMs?: number;
  /** Status is written at least this often even when unchanged (the kubelet's: 5 min). */
  statusReportMs?: number;
  /** How long a simulated container takes to stop (bounded by the grace period). */
  stopTimeMs?: number;
  /** API writes in flight at once. */
  maxInFlight?: number;
  /**
   * The cluster-wide pod informer to use (no selectors), so that other components of the
   * process can share its cache; the simulator starts it. Default: its own.
   */
  podInformer?: Informer;
}

type Obj = Record<string, unknown>;

function readyIsTrue(node: KObject): boolean {
  const conds = ((node['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  return conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True');
}

export class Simulator {
  readonly nodes = new Map<string, SimNode>();
  private readonly nodeInformer: Informer;
  private readonly podInformer: Informer;
  private readonly timer: DueTimer;
  private readonly heartbeats: Heartbeats;
  private readonly pods: PodWorker;
  private readonly now: () => number;
  private registeredCount = 0;
  /** Heartbeats in progress, awaited on shutdown so none outlives the API server. */
  private readonly beating = new Set<Promise<void>>();
  private stopping = false;
  private readonly registeredWaiters: (() => void)[] = [];

  constructor(private readonly opts: SimulatorOptions) {
    const { client, config, log } = opts;
    this.now = opts.now ?? Date.now;
    for (let i = 0; i < config.count; i++) {
      const name = `${config.prefix}${i}`;
      this.nodes.set(name, {
        id: { name, index: i, internalIP: nodeInternalIP(i), podCIDR: nodePodCIDR(i) },
        pool: undefined,
        apiDown: false,
        annotationDown: false,
        registered: false,
        registeredAt: 0,
        uid: undefined,
        busy: false,
        failures: 0,
        pods: new Set(),
      });
    }
    this.nodeInformer = new Informer(client.resource('', 'v1', 'nodes'), {
      log,
      transform: dropManagedFields,
    });
    this.podInformer =
      opts.podInformer ??
      new Informer(client.resource('', 'v1', 'pods'), { log, transform: dropManagedFields });
    this.podInformer.addIndexer(NODE_NAME_INDEX, (p) => [nodeNameOf(p)]);
    const limiter = new Limiter(opts.maxInFlight ?? 32);
    this.timer = new DueTimer((key) => this.fire(key), this.now);
    this.heartbeats = new Heartbeats({
      client,
      nodes: this.nodeInformer.cache,
      limiter,
      shape: config.shape,
      bootSeed: String(this.now()),
      leaseRenewMs: opts.leaseRenewMs ?? config.leaseRenewMs ?? 10_000,
      statusReportMs: opts.statusReportMs ?? 5 * 60_000,
      now: this.now,
      log,
      onRegistered: (n) => this.registered(n),
      schedule: (n, at) => this.timer.set(`hb/${n.id.name}`, at),
      stopping: () => this.stopping,
    });
    this.pods = new PodWorker({
      client,
      pods: this.podInformer,
      nodes: this.nodes,
      limiter,
      machine: machineConfig(config.backoffScale, opts.stopTimeMs ?? 1000),
      maxPods: config.shape.pods,
      now: this.now,
      log,
      wakeAt: (key, at) =>
        at === undefined ? this.timer.delete(`pod/${key}`) : this.timer.set(`pod/${key}`, at),
    });
    this.nodeInformer.addHandler({
      onAdd: (n) => this.nodeChanged(n),
      onUpdate: (_, n) => this.nodeChanged(n),
      onDelete: (n) => {
        const sim = this.nodes.get(n.metadata?.name ?? '');
        if (sim && !isDown(sim)) this.timer.setEarlier(`hb/${sim.id.name}`, this.now() + 1000);
      },
    });
  }

  /** Registers the nodes and runs them until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const informers = [this.nodeInformer.start(signal), this.podInformer.start(signal)];
    await Promise.all([this.nodeInformer.waitForSync(signal), this.podInformer.waitForSync(signal)]);
    if (signal.aborted) return;
    const t = this.now();
    for (const n of this.nodes.values()) this.timer.set(`hb/${n.id.name}`, t);
    this.opts.log(`simulating ${this.nodes.size} nodes (${this.opts.config.prefix}0...)`);
    try {
      await this.pods.run(signal);
    } finally {
      this.stopping = true;
      this.timer.stop();
      await Promise.all(this.beating);
      for (const w of this.registeredWaiters.splice(0)) w();
      await Promise.all(informers);
    }
  }

  /** Takes a node's simulated kubelet down (no heartbeats, pods left alone) or brings it back. */
  setNodeDown(name: string, down: boolean): boolean {
    const n = this.nodes.get(name);
    if (!n) return false;
    const was = isDown(n);
    n.apiDown = down;
    this.downChanged(n, was);
    return true;
  }

  isNodeDown(name: string): boolean {
    const n = this.nodes.get(name);
    return n !== undefined && isDown(n);
  }

  /** Resolves once every node has registered (or `signal` aborts). */
  allRegistered(signal?: AbortSignal): Promise<void> {
    if (this.registeredCount >= this.nodes.size || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.registeredWaiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  private registered(n: SimNode): void {
    this.registeredCount++;
    if (this.registeredCount === this.nodes.size) for (const w of this.registeredWaiters.splice(0)) w();
    this.pods.enqueueNode(n.id.name);
  }

  private fire(key: string): void {
    if (key.startsWith('hb/')) {
      const n = this.nodes.get(key.slice(3));
      if (!n || this.stopping) return;
      const beat = this.heartbeats.beat(n).finally(() => this.beating.delete(beat));
      this.beating.add(beat);
    } else if (key.startsWith('pod/')) {
      this.pods.enqueue(key.slice(4));
    }
  }

  private nodeChanged(node: KObject): void {
    const n = this.nodes.get(node.metadata?.name ?? '');
    if (!n) return;
    const was = isDown(n);
    n.annotationDown = isTrue(node.metadata?.annotations?.[DOWN_ANNOTATION]);
    if (was !== isDown(n)) this.downChanged(n, was);
    else if (!isDown(n) && n.registered && !readyIsTrue(node)) {
      // Someone (the node lifecycle controller) marked it not ready while it is up: say otherwise soon.
      this.timer.setEarlier(`hb/${n.id.name}`, this.now() + 200);
    }
  }

  private downChanged(n: SimNode, was: boolean): void {
    const down = isDown(n);
    if (down === was) return;
    this.opts.log(`simulated node ${n.id.name} is ${down ? 'down' : 'up again'}`);
    if (!down) {
      this.timer.setEarlier(`hb/${n.id.name}`, this.now());
      this.pods.enqueueNode(n.id.name);
    }
  }
}
