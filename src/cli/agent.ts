/**
 * `k8ts agent`: a worker node that joins a server.
 * `k8ts agent --simulated --nodes N --server URL --token T` runs N simulated nodes in this
 * process (see src/kubelet/simulated/), talking to the server over HTTPS with a bearer
 * token. The token must be in the server's --token-auth-file, for a user in group
 * system:masters for now (system:nodes once RBAC is enforced). The server is verified
 * against the cluster CA (--ca-file, by default the server's DIR/tls/ca.crt when the agent
 * shares its data directory). Without --simulated it runs a real kubelet
 * (src/kubelet/agent/).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createCa } from '../apiserver/pki/issue.js';
import { componentAgent } from '../apiserver/version.js';
import { Client } from '../client/client.js';
import { HttpsTransport } from '../client/https.js';
import { IngressController } from '../ingress/controller.js';
import { Kubelet } from '../kubelet/agent/kubelet.js';
import { simulatedNodeFlags, simulatorConfig } from '../kubelet/simulated/config.js';
import { parseDuration } from '../kubelet/simulated/duration.js';
import { Simulator } from '../kubelet/simulated/simulator.js';
import { defineCommand } from './command.js';
import { dataDirFlag } from './common-flags.js';
import { UsageError } from './flags.js';
import { ingressFlags, ingressSettings } from './ingress-flags.js';
import { kubeletFlags, kubeletSettings } from './kubelet-flags.js';

const flags = {
  server: {
    kind: 'string',
    placeholder: 'URL',
    description: 'The server to join, such as https://10.0.0.1:6443 (required)',
  },
  token: {
    kind: 'string',
    placeholder: 'TOKEN',
    description: "A bearer token from the server's --token-auth-file (group system:masters for now)",
  },
  'ca-file': {
    kind: 'string',
    placeholder: 'FILE',
    description: "The cluster CA certificate (default: DIR/tls/ca.crt, the server's own)",
  },
  'data-dir': dataDirFlag,
  simulated: {
    kind: 'boolean',
    description: 'Run simulated nodes (no containers) instead of a real kubelet',
  },
  nodes: {
    kind: 'number',
    placeholder: 'N',
    default: 1,
    description: 'How many simulated nodes to run (with --simulated)',
  },
  'node-lease-renew-interval': {
    kind: 'string',
    placeholder: 'DURATION',
    default: '10s',
    description: "How often each simulated node renews its Lease (keep it under the server's grace period)",
  },
  ...kubeletFlags,
  ...ingressFlags,
  ...simulatedNodeFlags,
} as const;

export const agentCommand = defineCommand({
  name: 'agent',
  summary: 'Run an agent: a worker node that joins a server',
  description: [
    'Joins the server given with --server, authenticating with --token. With --simulated it',
    'runs --nodes N simulated nodes (Nodes, Leases and pod lifecycles, no containers) until',
    'SIGINT or SIGTERM. The token must map to a user in group system:masters in the',
    "server's --token-auth-file (system:nodes once RBAC is enforced). Without --simulated it",
    'runs a real kubelet: pods run as containers through its own containerd. Stopping it',
    "leaves pods running (a restart re-adopts them); 'k8ts killall' removes them.",
  ],
  flags,
  async run(values, ctx) {
    const server = values.server;
    if (server === undefined) {
      throw new UsageError('an agent needs a server to join: give its URL with --server https://HOST:PORT');
    }
    if (!/^https:\/\/[^/\s]+/i.test(server)) {
      throw new UsageError(`--server must be an https URL such as https://10.0.0.1:6443, not "${server}"`);
    }
    if (values.token === undefined) throw new UsageError('an agent needs a token: give it with --token');
    if (values.nodes < 1) throw new UsageError('--nodes must be at least 1');
    let config: ReturnType<typeof simulatorConfig>;
    let leaseRenewMs: number;
    try {
      config = simulatorConfig(values.nodes, values);
      leaseRenewMs = parseDuration(values['node-lease-renew-interval']);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (leaseRenewMs < 100) throw new UsageError('--node-lease-renew-interval must be at least 100ms');
    config.leaseRenewMs = leaseRenewMs;
    const caFile = resolve(values['ca-file'] ?? join(values['data-dir'], 'tls', 'ca.crt'));
    let caPem: string;
    try {
      caPem = await readFile(caFile, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read the cluster CA from ${caFile} (give it with --ca-file): ${(err as Error).message}`,
      );
    }
    const client = new Client(
      new HttpsTransport({
        server: server.replace(/\/+$/, ''),
        caPem,
        token: values.token,
        userAgent: componentAgent('kubelet'),
      }),
    );
    if (!values.simulated) return runKubelet(values, client, caPem, server, ctx);
    const ac = new AbortController();
    const onStop = () => ac.abort();
    ctx.signal.addEventListener('abort', onStop, { once: true });
    if (ctx.signal.aborted) ac.abort();
    const keepAlive = setInterval(() => {}, 2 ** 30);
    try {
      const sim = new Simulator({ client, config, log: (m) => ctx.err(`k8ts agent: ${m}`) });
      const running = sim.run(ac.signal);
      await Promise.race([sim.allRegistered(ac.signal), running]);
      if (!ac.signal.aborted) ctx.out(`k8ts agent: ${config.count} simulated nodes joined ${server}`);
      await running;
      ctx.out(`k8ts agent: ${String(ctx.signal.reason ?? 'stop')} received, shutting down`);
    } finally {
      clearInterval(keepAlive);
      ctx.signal.removeEventListener('abort', onStop);
      client.close();
    }
    return 0;
  },
});

/** A real node: the kubelet runs pods as containers until the agent is told to stop. */
async function runKubelet(
  values: Parameters<typeof kubeletSettings>[0] &
    Parameters<typeof ingressSettings>[0] & { 'data-dir': string },
  client: Client,
  caPem: string,
  server: string,
  ctx: Parameters<Parameters<typeof defineCommand>[0]['run']>[1],
): Promise<number> {
  const settings = kubeletSettings(values, resolve(values['data-dir']));
  const ingressOptions = ingressSettings(values, settings);
  // Not verified by the API server (as kube-apiserver without --kubelet-certificate-authority).
  const serving = await createCa(new Date(), 365);
  const kubelet = new Kubelet({
    ...settings,
    client,
    tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem },
    log: (m) => ctx.err(`k8ts agent: ${m}`),
  });
  const ingress = ingressOptions
    ? new IngressController({ ...ingressOptions, client, log: (m) => ctx.err(`k8ts agent: ${m}`) })
    : undefined;
  const keepAlive = setInterval(() => {}, 2 ** 30);
  try {
    await kubelet.start();
    await ingress?.start();
    ctx.out(`k8ts agent: node ${settings.nodeName} joined ${server}`);
    await new Promise<void>((done) => {
      if (ctx.signal.aborted) done();
      ctx.signal.addEventListener('abort', () => done(), { once: true });
    });
    ctx.out(`k8ts agent: ${String(ctx.signal.reason ?? 'stop')} received, shutting down (pods keep running)`);
  } finally {
    clearInterval(keepAlive);
    await ingress?.stop();
    await kubelet.stop();
    client.close();
  }
  return 0;
}
