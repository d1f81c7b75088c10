/**
 * `k8ts server`: runs the control plane of a cluster: the datastore (embedded SQLite or
 * etcd) and the API server over it, which writes the admin kubeconfig. The scheduler and
 * controllers will start here as they are built.
 *
 * It must not exit while the store is open: every way out closes the store first.
 */
import { join, resolve } from 'node:path';
import { CONTROLLERS } from '../controllers/manager.js';
import { selectControllers } from '../controllers/selection.js';
import { dnsFlags, dnsSettings } from '../dns/flags.js';
import { simulatedNodeFlags, simulatorConfig } from '../kubelet/simulated/config.js';
import { parseDuration } from '../kubelet/simulated/duration.js';
import { parseServiceRanges } from '../registry/services/config.js';
import { startControlPlane } from '../server/control-plane.js';
import { DatastoreEndpointError, datastoreTarget, describeDatastore, openStore } from '../storage/open.js';
import { type CliContext, defineCommand } from './command.js';
import { dataDirFlag } from './common-flags.js';
import { UsageError } from './flags.js';
import { ingressFlags, ingressSettings } from './ingress-flags.js';
import { clusterDnsIPs, kubeletFlags, kubeletSettings } from './kubelet-flags.js';

const flags = {
  'data-dir': dataDirFlag,
  'datastore-endpoint': {
    kind: 'string',
    placeholder: 'URL',
    description: 'etcd members, http(s)://HOST:PORT[,...] (default: SQLite in DIR/db/state.db)',
  },
  'https-port': {
    kind: 'number',
    placeholder: 'PORT',
    description: 'port of the API server (default 6443; 0 picks a free port)',
  },
  'bind-address': {
    kind: 'string',
    placeholder: 'IP',
    description: 'address the API server listens on (default 127.0.0.1; 0.0.0.0 for every interface)',
  },
  'tls-san': {
    kind: 'list',
    placeholder: 'NAME',
    description: 'extra host name or IP for the serving certificate (repeatable)',
  },
  'token-auth-file': {
    kind: 'string',
    placeholder: 'FILE',
    description: 'static bearer tokens, one per line: token,user,uid,"group1,group2"',
  },
  'node-monitor-grace-period': {
    kind: 'string',
    placeholder: 'DURATION',
    default: '40s',
    description: 'a node silent this long is marked Unknown and tainted unreachable',
  },
  'simulated-nodes': {
    kind: 'number',
    placeholder: 'N',
    default: 0,
    description: 'run N simulated nodes in this process (no containers; for tests and scale work)',
  },
  controllers: {
    kind: 'string',
    placeholder: 'LIST',
    default: '*',
    description: "controllers to run: '*' all, 'name' one, '-name' all but one, comma-separated; '' none",
  },
  'service-node-port-range': {
    kind: 'string',
    placeholder: 'RANGE',
    default: '30000-32767',
    description: 'ports NodePort and LoadBalancer Services get their nodePorts from (LOW-HIGH)',
  },
  'disable-agent': {
    kind: 'boolean',
    description: 'run no kubelet in this process: the server is a control plane only',
  },
  ...kubeletFlags,
  ...dnsFlags,
  ...ingressFlags,
  ...simulatedNodeFlags,
} as const;

export const serverCommand = defineCommand({
  name: 'server',
  summary: 'Run a server: the control plane of a cluster',
  description: [
    'Starts a server with its datastore (the embedded SQLite database in the data directory,',
    'or an etcd cluster named with --datastore-endpoint) and the Kubernetes API over HTTPS.',
    'Writes DIR/admin.kubeconfig for kubectl. Runs until SIGINT or SIGTERM.',
    'Agents join with a token from --token-auth-file whose user is in group system:masters',
    '(system:nodes once RBAC is enforced).',
  ],
  flags,
  async run(values, ctx) {
    const opts = { dataDir: resolve(values['data-dir']), datastoreEndpoint: values['datastore-endpoint'] };
    let graceMs: number;
    let simulated: ReturnType<typeof simulatorConfig>;
    let controllers: string[];
    let kubelet: ReturnType<typeof kubeletSettings> | undefined;
    let dns: ReturnType<typeof dnsSettings>;
    let ingress: ReturnType<typeof ingressSettings>;
    try {
      if (!values['disable-agent']) kubelet = kubeletSettings(values, opts.dataDir);
      dns = dnsSettings(values, clusterDnsIPs(values));
      ingress = kubelet ? ingressSettings(values, kubelet) : undefined;
      graceMs = parseDuration(values['node-monitor-grace-period']);
      simulated = simulatorConfig(values['simulated-nodes'], values);
      controllers = selectControllers(values.controllers, Object.keys(CONTROLLERS));
      parseServiceRanges(values['service-cidr'], values['service-node-port-range']);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (graceMs <= 0) throw new UsageError('--node-monitor-grace-period must be above 0');
    // Simulated nodes renew their Leases often enough for a short grace period too.
    simulated.leaseRenewMs = Math.min(10_000, Math.max(100, Math.floor(graceMs / 4)));
    let description: string;
    try {
      description = describeDatastore(datastoreTarget(opts));
    } catch (err) {
      if (err instanceof DatastoreEndpointError) throw new UsageError(err.message);
      throw err;
    }
    const store = await openStore(opts);
    try {
      const revision = await store.currentRevision();
      ctx.out(`k8ts server: datastore ${description}, revision ${revision}`);
      const plane = await startControlPlane({
        dataDir: opts.dataDir,
        store,
        bindAddress: values['bind-address'] ?? '127.0.0.1',
        port: values['https-port'] ?? 6443,
        tlsSans: values['tls-san'] ?? [],
        ...(values['token-auth-file'] ? { tokenAuthFile: values['token-auth-file'] } : {}),
        serviceCIDR: values['service-cidr'],
        serviceNodePortRange: values['service-node-port-range'],
        controllers,
        controllerSettings: {
          nodeLifecycle: { gracePeriodMs: graceMs },
          nodeIpam: { clusterCIDR: values['cluster-cidr'] },
          storageRoot: join(opts.dataDir, 'storage'),
        },
        ...(kubelet ? { kubelet } : {}),
        ...(dns ? { dns } : {}),
        ...(ingress ? { ingress } : {}),
        simulatedNodes: simulated,
        log: (m) => ctx.err(`k8ts server: ${m}`),
      });
      try {
        ctx.out(`k8ts server: API server ready at ${plane.api.url}`);
        ctx.out(`k8ts server: admin kubeconfig written to ${plane.api.kubeconfigPath}`);
        await stopped(ctx);
        ctx.out(`k8ts server: ${String(ctx.signal.reason)} received, shutting down`);
      } finally {
        await plane.stop();
      }
    } finally {
      await store.close();
    }
    return 0;
  },
});

/**
 * Resolves once the process is asked to stop. A pending promise alone does not keep Node
 * running, so a timer holds the event loop open until then.
 */
function stopped(ctx: CliContext): Promise<void> {
  if (ctx.signal.aborted) return Promise.resolve();
  const keepAlive = setInterval(() => {}, 2 ** 30);
  return new Promise((done) =>
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        done();
      },
      { once: true },
    ),
  );
}
