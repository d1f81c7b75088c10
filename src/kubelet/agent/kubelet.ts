/**
 * The real kubelet of one node: starts (or connects to) containerd, serves the kubelet
 * API (logs, exec, attach, port-forward) over HTTPS, registers the Node with its real
 * capacity and heartbeats, waits for the node's pod range and sets up the CNI bridge and
 * the blackhole routes, starts the service proxy (../../proxy), then runs the pods bound
 * to the node as real containers, reading their ConfigMaps, Secrets and Services from
 * watches (./watched-objects.ts). stop() also removes the proxy's nftables table.
 *
 * stop() leaves running pods running (like k3s: a restarted kubelet re-adopts them);
 * `k8ts killall` (./killall.ts) removes them and the node's network state.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { ApiEventRecorder } from '../../controllers/framework/recorder.js';
import { ServiceProxy } from '../../proxy/proxy.js';
import { ContainerdSupervisor } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
import { waitForRuntime } from '../cri/ready.js';
import { admitUnderPressure } from '../eviction/admit.js';
import { type EvictionThreshold, isHard } from '../eviction/config.js';
import { EvictionManager } from '../eviction/manager.js';
import { readNodeStats, readPodUsage } from '../eviction/stats.js';
import { DEFAULT_EVICTION_HARD, hardReserve, parseEvictionHard } from '../eviction/thresholds.js';
import { ImageGC } from '../imagegc/manager.js';
import { DEFAULT_IMAGE_GC_POLICY, type ImageGCPolicy } from '../imagegc/policy.js';
import { criImageRuntime } from '../imagegc/runtime.js';
import {
  createImageService,
  importImageArchives,
  loadRegistries,
  registriesWarnings,
  registryAuthLookup,
} from '../images/index.js';
import { bridgeName, gatewayOf } from '../network/cni-config.js';
import { setUpHostNetwork } from '../network/host.js';
import { NodeAgent } from '../node/agent.js';
import { readMachine } from '../node/machine.js';
import { predicateAdmitHandler } from '../pods/admit-predicates.js';
import { PodManager } from '../pods/manager.js';
import { parseResolvConf } from '../pods/sandbox-config.js';
import { createProbeService } from '../probes/index.js';
import { KubeletServer } from '../server/server.js';
import { MirrorPods } from '../static/mirror.js';
import { StaticPodFiles } from '../static/source.js';
import { createEnvService, createVolumeService, tokenRequester } from '../volumes/index.js';
import { WatchedObjects } from './watched-objects.js';

type Obj = Record<string, unknown>;

export interface KubeletOptions {
  client: Client;
  /** The agent's directory: `<data-dir>/agent`. */
  dir: string;
  nodeName: string;
  nodeIP: string;
  /** 0 picks a free port. */
  port: number;
  clusterCIDR: string;
  serviceCIDR: string;
  clusterDNS: string[];
  clusterDomain: string;
  sandboxImage: string;
  /** An existing CRI endpoint (unix://...); absent: run our own containerd. */
  runtimeEndpoint?: string;
  /** registries.yaml (absent file: 127.0.0.1:5000 over plain HTTP only). */
  registriesFile?: string;
  /** Serving certificate and key, and the CA whose clients may call the kubelet. */
  tls: { certPem: string; keyPem: string; caPem: string };
  labels?: Record<string, string>;
  backoffScale?: number;
  /** Hard and soft eviction thresholds (default: upstream's hard ones); empty turns eviction off. */
  evictionThresholds?: EvictionThreshold[];
  /** How long a pressure condition outlives its thresholds (default 5 min). */
  evictionPressureTransitionMs?: number;
  /** The longest grace period of a pod evicted for a soft threshold (default 0). */
  evictionMaxPodGracePeriodS?: number;
  /** Image garbage collection thresholds and TTL (default: upstream's 85%, 80%, 2 min). */
  imageGC?: ImageGCPolicy;
  /** How often image garbage collection looks (default 5 min). */
  imageGCPeriodMs?: number;
  /** Static pods: a directory of pod manifests, or one manifest file (--pod-manifest-path). */
  podManifestPath?: string;
  /** How often the manifests are looked at again, besides file-system events (default 20 s). */
  podManifestCheckMs?: number;
  log: (m: string) => void;
}

export class Kubelet {
  private readonly ac = new AbortController();
  private readonly running: Promise<unknown>[] = [];
  private supervisor: ContainerdSupervisor | undefined;
  private cri: CriClient | undefined;
  private server: KubeletServer | undefined;
  private proxy: ServiceProxy | undefined;
  private objects: WatchedObjects | undefined;
  pods: PodManager | undefined;
  node: NodeAgent | undefined;
  podCIDR = '';
  private networkUp: (n: { podCIDR: string; bridge: string; gateway: string }) => void = () => undefined;
  /** Resolves once the node's pod network is set up: its range, bridge and gateway address. */
  readonly networkReady = new Promise<{ podCIDR: string; bridge: string; gateway: string }>((resolve) => {
    this.networkUp = resolve;
  });

  constructor(private readonly o: KubeletOptions) {}

  /** Starts everything; resolves once the node is registered and pods can run. */
  async start(): Promise<void> {
    const o = this.o;
    const signal = this.ac.signal;
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
    const containerdDir = join(o.dir, 'containerd');
    const registries = o.registriesFile ? await loadRegistries(o.registriesFile) : undefined;
    if (registries && o.registriesFile)
      for (const w of registriesWarnings(registries, o.registriesFile)) o.log(w);
    let address = o.runtimeEndpoint;
    if (!address) {
      this.supervisor = new ContainerdSupervisor({
        dir: containerdDir,
        sandboxImage: o.sandboxImage,
        ...(registries ? { registries } : {}),
        onEvent: (e) => {
          if (e.type !== 'started') o.log(`containerd: ${JSON.stringify(e)}`);
        },
      });
      await this.supervisor.start(signal);
      address = this.supervisor.layout.address;
      const imported = await importImageArchives(join(o.dir, 'images'), this.supervisor.layout.socket);
      for (const f of imported.imported) o.log(`imported ${f.images.join(', ')} from ${f.file}`);
      for (const f of imported.failed) o.log(`could not import ${f.file}: ${f.error}`);
    }
    const cri = new CriClient({ address });
    this.cri = cri;
    const version = await waitForRuntime(cri, signal);
    const machine = await readMachine(o.dir);
    const events = new ApiEventRecorder(o.client, 'kubelet', o.log);
    const sink = (
      obj: Parameters<typeof events.event>[0],
      type: 'Normal' | 'Warning',
      reason: string,
      message: string,
    ) => events.event(obj, type, reason, message);
    const objects = new WatchedObjects(o.client, o.log);
    this.objects = objects;
    // The Services informer lists while the rest starts, not at the first container start.
    void objects.listServices('default').catch(() => undefined);
    const auth = registries ? registryAuthLookup(registries) : undefined;
    const images = createImageService({
      cri,
      objects,
      events: sink,
      log: o.log,
      ...(auth ? { registryAuth: auth } : {}),
    });
    const podsDir = join(o.dir, 'pods');
    let nodeAllocatable = { cpu: String(machine.cpu), memory: String(machine.memoryBytes) };
    const volumes = createVolumeService({
      podsDir,
      objects,
      log: o.log,
      requestToken: tokenRequester(o.client),
      nodeAllocatable: () => nodeAllocatable,
    });
    const env = createEnvService({
      objects,
      listServices: (ns, signal) => objects.listServices(ns, signal),
      nodeAllocatable: () => nodeAllocatable,
    });
    let pods: PodManager | undefined;
    const probes = createProbeService({
      cri,
      onChange: (uid) => pods?.poke(uid),
      onFailure: (uid, _name, cid, probe, message) =>
        pods?.requestKill(uid, cid, `failed ${probe} probe${message ? `: ${message}` : ''}`),
      events: sink,
      log: o.log,
    });
    const statics = o.podManifestPath
      ? new StaticPodFiles({
          path: o.podManifestPath,
          nodeName: o.nodeName,
          ...(o.podManifestCheckMs ? { intervalMs: o.podManifestCheckMs } : {}),
          log: o.log,
        })
      : undefined;
    const resolv = parseResolvConf(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
    pods = new PodManager(
      {
        cri,
        images,
        volumes,
        env,
        probes,
        events: sink,
        log: (m) => o.log(`pods: ${m}`),
        podsDir,
        logsDir: join(o.dir, 'logs'),
        nodeName: o.nodeName,
        hostIP: o.nodeIP,
        hostname: osHostname(),
        dns: { clusterDNS: o.clusterDNS, clusterDomain: o.clusterDomain, host: resolv },
        memoryCapacity: machine.memoryBytes,
        backoffScale: o.backoffScale ?? 1,
      },
      o.client,
      statics,
    );
    this.pods = pods;
    this.server = await KubeletServer.start({
      host: o.nodeIP,
      port: o.port,
      certPem: o.tls.certPem,
      keyPem: o.tls.keyPem,
      caPem: o.tls.caPem,
      lookup: pods,
      cri,
      log: (m) => o.log(`server: ${m}`),
    });
    let networkReady = false;
    const nodeRef = () => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: o.nodeName, uid: o.nodeName },
    });
    const imagefsDir = this.supervisor ? this.supervisor.layout.root : o.dir;
    // Image garbage collection: unused images go, least recently used first, above the high threshold.
    const imageGC = new ImageGC({
      runtime: criImageRuntime(cri, { sandboxImage: o.sandboxImage, fallbackRoot: imagefsDir }),
      policy: o.imageGC ?? DEFAULT_IMAGE_GC_POLICY,
      ...(o.imageGCPeriodMs !== undefined ? { periodMs: o.imageGCPeriodMs } : {}),
      node: nodeRef,
      events: sink,
      log: o.log,
    });
    // Node-pressure eviction: conditions go into the node's status, pods are evicted one at a time.
    const podManager = pods;
    const thresholds =
      o.evictionThresholds ??
      parseEvictionHard(DEFAULT_EVICTION_HARD).map((t) => ({ ...t, gracePeriodMs: 0 }));
    const eviction = new EvictionManager({
      thresholds,
      transitionPeriodMs: o.evictionPressureTransitionMs ?? 5 * 60_000,
      maxPodGracePeriodS: o.evictionMaxPodGracePeriodS ?? 0,
      reclaimNodeLevel: async (_signal, s) => {
        const freed = await imageGC.deleteUnusedImages(s);
        if (freed > 0) o.log(`eviction: image garbage collection freed ${freed} bytes`);
      },
      readStats: () => readNodeStats({ nodefs: o.dir, imagefs: imagefsDir }),
      readUsage: (s) => readPodUsage(cri, s),
      pods: () => podManager.informer.cache.list(),
      evict: (pod, req, s) => podManager.evict(pod.metadata?.uid ?? '', req, s),
      events: sink,
      node: nodeRef,
      onPressure: (p) => {
        o.log(`kubelet: node pressure now [${[...p].join(', ')}]`);
        void this.node?.beat().catch(() => undefined);
      },
      log: o.log,
    });
    const node = new NodeAgent({
      client: o.client,
      identity: {
        name: o.nodeName,
        internalIP: o.nodeIP,
        kubeletPort: this.server.port,
        labels: o.labels ?? {},
      },
      machine,
      evictionReserve: hardReserve(
        thresholds.filter((t) => isHard(t)),
        machine.memoryBytes,
        machine.ephemeralStorageBytes,
      ),
      runtimeVersion: `${version.runtime_name}://${version.runtime_version}`,
      health: () => ({
        memoryPressure: eviction.pressure.has('MemoryPressure'),
        diskPressure: eviction.pressure.has('DiskPressure'),
        pidPressure: eviction.pressure.has('PIDPressure'),
        ...(networkReady
          ? {}
          : {
              notReady:
                'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
            }),
      }),
      images: async () => imageList(cri, signal),
      log: o.log,
    });
    this.node = node;
    const registered = await node.register();
    const alloc =
      ((registered['status'] as Obj | undefined)?.['allocatable'] as Record<string, string> | undefined) ??
      {};
    nodeAllocatable = {
      cpu: alloc['cpu'] ?? nodeAllocatable.cpu,
      memory: alloc['memory'] ?? nodeAllocatable.memory,
    };
    this.running.push(node.run(signal));
    this.podCIDR = await node.waitForPodCIDR(signal);
    await setUpHostNetwork({
      network: {
        name: `k8ts-${o.nodeName}`.slice(0, 60),
        bridge: bridgeName(o.nodeName),
        podCIDR: this.podCIDR,
        clusterCIDR: o.clusterCIDR,
        serviceCIDR: o.serviceCIDR,
        ipamDataDir: join(o.dir, 'cni', 'ipam'),
      },
      confDir: join(containerdDir, 'cni', 'net.d'),
      claim: `node-${o.nodeName}`,
    });
    networkReady = true;
    this.networkUp({
      podCIDR: this.podCIDR,
      bridge: bridgeName(o.nodeName),
      gateway: gatewayOf(this.podCIDR),
    });
    // The service proxy: the node's nftables table for Services (removed again in stop()).
    this.proxy = new ServiceProxy({
      client: o.client,
      nodeName: o.nodeName,
      nodeIP: o.nodeIP,
      bridge: bridgeName(o.nodeName),
      gateway: gatewayOf(this.podCIDR),
      podCIDR: this.podCIDR,
      clusterCIDR: o.clusterCIDR,
      serviceCIDR: o.serviceCIDR,
      log: o.log,
    });
    this.proxy.start();
    await node.beat().catch(() => undefined);
    if (statics) {
      // Known before the first sync, so that running static pods are kept, not removed.
      await statics.scan().catch((err: unknown) => o.log(`static pods: ${(err as Error).message}`));
      this.running.push(statics.run(signal));
      const mirrors = new MirrorPods({
        client: o.client,
        nodeName: o.nodeName,
        source: statics,
        informer: pods.informer,
        log: (m) => o.log(`static pods: ${m}`),
      });
      this.running.push(mirrors.run(signal));
    }
    // Admission before a pod's first sync: node pressure first, then the general predicates
    // over the node's latest object (its informer's, or the registered one).
    const nodes = new Informer(o.client.resource('', 'v1', 'nodes'), {
      fieldSelector: `metadata.name=${o.nodeName}`,
      log: (m) => o.log(`node informer: ${m}`),
    });
    this.running.push(nodes.start(signal));
    pods.addAdmitHandler((pod) => admitUnderPressure(pod, eviction.pressure));
    pods.addAdmitHandler(predicateAdmitHandler(() => nodes.cache.getByName('', o.nodeName) ?? registered));
    this.running.push(pods.run(signal));
    this.running.push(eviction.run(signal));
    this.running.push(imageGC.run(signal));
    o.log(`kubelet: node ${o.nodeName} ready (pods ${this.podCIDR}, kubelet port ${this.server.port})`);
  }

  /** Stops the kubelet; running pods keep running. */
  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.allSettled(this.running);
    // Each step runs whatever the one before did: containerd must not outlive the kubelet.
    await this.proxy?.stop().catch((err: unknown) => this.o.log(`proxy stop: ${(err as Error).message}`));
    await this.server?.close().catch(() => undefined);
    await this.objects?.stop();
    this.cri?.close();
    await this.supervisor?.close();
  }
}

async function imageList(cri: CriClient, signal: AbortSignal): Promise<Obj[]> {
  const images = await cri.listImages(undefined, { signal });
  return images
    .map((i) => ({ names: [...i.repo_digests, ...i.repo_tags], sizeBytes: Number(i.size) }))
    .filter((i) => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, 50);
}
