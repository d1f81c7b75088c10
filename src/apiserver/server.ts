/**
 * The API server: HTTPS (HTTP/2 and HTTP/1.1) with client-certificate and token
 * authentication, over the registry and its watch caches. On start it ensures the PKI,
 * loads the caches, creates the bootstrap objects and writes the admin kubeconfig.
 * Owns its sockets: close() ends every connection, including open watches.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Registry } from '../registry/registry.js';
import { parseServiceRanges } from '../registry/services/config.js';
import type { Store } from '../storage/types.js';
import { Authenticator } from './auth/authenticate.js';
import { parseTokenFile } from './auth/token-file.js';
import { bootstrap } from './bootstrap.js';
import { instrumentStore } from './instrumented-store.js';
import { Metrics } from './metrics.js';
import { NodeProxy } from './nodeproxy/index.js';
import { ensurePki, type Pki, writeKubeconfig } from './pki/index.js';
import { createRouter } from './router.js';
import { setUpServiceAccountTokens } from './serviceaccounts/index.js';

export interface ApiServerConfig {
  dataDir: string;
  store: Store;
  bindAddress: string;
  port: number;
  /** Extra names and IPs for the serving certificate. */
  tlsSans: string[];
  tokenAuthFile?: string;
  /** The ClusterIP range of Services (`--service-cidr`; default 10.43.0.0/16). */
  serviceCIDR?: string;
  /** The NodePort range of Services (`--service-node-port-range`; default 30000-32767). */
  serviceNodePortRange?: string;
  /** The `kubernetes` Service's ClusterIP; default (and normally): the first IP of serviceCIDR. */
  serviceIP?: string;
  log: (msg: string) => void;
}

const IP = /^[0-9.]+$|:/;

export class ApiServer {
  private readonly ac = new AbortController();
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();
  /** The handler chain (authn, authz, admission, registry), for the in-process transport. */
  handler!: ReturnType<typeof createRouter>;
  private constructor(
    readonly registry: Registry,
    readonly pki: Pki,
    private readonly server: Http2SecureServer,
    readonly url: string,
    readonly kubeconfigPath: string,
  ) {}

  static async start(cfg: ApiServerConfig): Promise<ApiServer> {
    const serviceRanges = parseServiceRanges(cfg.serviceCIDR, cfg.serviceNodePortRange);
    const serviceIP = cfg.serviceIP ?? serviceRanges.ips.first;
    const sans = cfg.tlsSans.filter((s) => s !== '');
    const pki = await ensurePki({
      dir: join(cfg.dataDir, 'tls'),
      hostnames: sans.filter((s) => !IP.test(s)),
      ips: [
        serviceIP,
        ...sans.filter((s) => IP.test(s)),
        ...(cfg.bindAddress !== '0.0.0.0' && cfg.bindAddress !== '::' ? [cfg.bindAddress] : []),
      ],
    });
    const tokens = cfg.tokenAuthFile ? parseTokenFile(await readFile(cfg.tokenAuthFile, 'utf8')) : new Map();
    const metrics = new Metrics();
    const registry = new Registry(instrumentStore(cfg.store, metrics), {
      log: cfg.log,
      serviceRanges,
      requireServiceAccounts: true,
    });
    const server = createSecureServer({
      allowHTTP1: true,
      key: pki.servingKeyPem,
      cert: pki.servingCertPem,
      ca: pki.caCertPem,
      requestCert: true,
      rejectUnauthorized: false,
      settings: { maxConcurrentStreams: 1000 },
    });
    const connectHost =
      cfg.bindAddress === '0.0.0.0' || cfg.bindAddress === '::' ? '127.0.0.1' : cfg.bindAddress;
    const kubeconfigPath = join(cfg.dataDir, 'admin.kubeconfig');
    const self = new ApiServer(registry, pki, server, '', kubeconfigPath);
    await registry.start(self.ac.signal);
    const serviceAccounts = await setUpServiceAccountTokens(registry, pki.dir);
    const route = createRouter({
      registry,
      authn: new Authenticator(tokens, serviceAccounts),
      metrics,
      serverAddress: `${connectHost}:${cfg.port}`,
      log: cfg.log,
      nodeProxy: new NodeProxy({
        registry,
        kubeletClient: { certPem: pki.kubeletClientCertPem, keyPem: pki.kubeletClientKeyPem },
      }),
      checks: [
        { name: 'ping', ok: () => true },
        { name: 'etcd', ok: () => registry.caches.lastError === undefined },
        { name: 'informer-sync', ok: () => registry.caches.hasSynced },
      ],
    });
    self.handler = route;
    server.on('request', (req, res) => void route(req, res));
    // HTTP/1.1 upgrades (exec, attach, port-forward) arrive here, not as requests.
    server.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) => void route.upgrade(req, socket, head),
    );
    server.on('connection', (s: Socket) => {
      self.sockets.add(s);
      s.once('close', () => self.sockets.delete(s));
    });
    server.on('session', (sess) => {
      self.sessions.add(sess);
      sess.once('close', () => self.sessions.delete(sess));
    });
    server.setTimeout(0);
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.port, cfg.bindAddress, () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : cfg.port);
      });
    });
    await bootstrap(registry, { serviceIP, securePort: port, advertiseAddress: connectHost });
    const url = `https://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}`;
    await writeKubeconfig(kubeconfigPath, {
      server: url,
      caCertPem: pki.caCertPem,
      clientCertPem: pki.adminCertPem,
      clientKeyPem: pki.adminKeyPem,
    });
    Object.assign(self, { url });
    return self;
  }

  async close(): Promise<void> {
    this.ac.abort();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sessions) s.destroy();
    for (const s of this.sockets) s.destroy();
    await closed;
    await this.registry.caches.close();
    await this.registry.services.close();
  }
}
