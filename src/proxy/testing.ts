/**
 * Test support for the proxy's kernel tests and benchmark: a throwaway "node" network
 * namespace (loopback up with the node IP on it too, IPv4 forwarding, blackhole
 * routes for the cluster and Service ranges, no way out) and "pods": namespaces joined
 * to the node's bridge by veth pairs (hairpin on, as the CNI bridge plugin sets it),
 * each running a small HTTP and UDP server that answers with its name and the client
 * address it sees. Clients run inside a namespace through `ip netns exec`. Every
 * process is stopped by PID and every namespace deleted by close(). Not used by
 * production code.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HTTP_PORT = 8080;
export const UDP_PORT = 5353;

const SERVER = `
const http = require('node:http');
const dgram = require('node:dgram');
const name = process.argv[1];
http.createServer((q, s) => s.end(name + ' ' + q.socket.remoteAddress)).listen(${HTTP_PORT}, '0.0.0.0');
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send(name, r.port, r.address));
u.bind(${UDP_PORT}, '0.0.0.0');
`;

/** Prints a JSON array: each response body, or `ERR <code>`. */
const HTTP_CLIENT = `
const http = require('node:http');
const url = process.argv[1];
const n = Number(process.argv[2]);
(async () => {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(await new Promise((resolve) => {
      const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => resolve('ERR ' + (e.code || e.message)));
    }));
  }
  console.log(JSON.stringify(out));
})();
`;

/** Sends one datagram from a fixed source port; prints the reply or `ERR <code>`. */
const UDP_CLIENT = `
const dgram = require('node:dgram');
const [host, port, from] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const done = (v) => { console.log(JSON.stringify(v)); s.close(); };
const t = setTimeout(() => done('ERR ETIMEDOUT'), 3000);
s.on('message', (m) => { clearTimeout(t); done(m.toString()); });
s.on('error', (e) => { clearTimeout(t); done('ERR ' + (e.code || e.message)); });
s.bind(from, () => s.send('ping', port, host));
`;

export async function sh(args: string[], input?: string): Promise<string> {
  const p = run(args[0]!, args.slice(1), { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) p.child.stdin?.end(input);
  return (await p).stdout;
}

export interface Pod {
  name: string;
  ns: string;
  ip: string;
}

export interface NodeNamespaceOptions {
  ns: string;
  bridge: string;
  gateway: string;
  podPrefixLength: number;
  nodeIP: string;
  clusterCIDR: string;
  serviceCIDR: string;
}

export class NodeNamespace {
  readonly pods: Pod[] = [];
  private readonly servers: ChildProcess[] = [];

  private constructor(readonly o: NodeNamespaceOptions) {}

  /** The node namespace: lo up with the node IP, forwarding on, blackholes (removed on failure). */
  static async create(o: NodeNamespaceOptions): Promise<NodeNamespace> {
    const n = new NodeNamespace(o);
    await sh(['ip', 'netns', 'add', o.ns]);
    try {
      await n.exec(['ip', 'link', 'set', 'lo', 'up']);
      await n.exec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
      await n.exec(['ip', 'addr', 'add', `${o.nodeIP}/32`, 'dev', 'lo']);
      for (const cidr of [o.clusterCIDR, o.serviceCIDR])
        await n.exec(['ip', 'route', 'add', 'blackhole', cidr]);
    } catch (err) {
      await n.close();
      throw err;
    }
    return n;
  }

  exec(args: string[], input?: string): Promise<string> {
    return sh(['ip', 'netns', 'exec', this.o.ns, ...args], input);
  }

  /** A pod namespace on the bridge (which must exist) with its servers running. */
  async addPod(name: string, ip: string): Promise<Pod> {
    const pod = { name, ns: `${this.o.ns}-${name}`, ip };
    const host = `v${name}`.slice(0, 15);
    await sh(['ip', 'netns', 'add', pod.ns]);
    await this.exec(['ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.ns]);
    await this.exec(['ip', 'link', 'set', host, 'master', this.o.bridge, 'up']);
    await this.exec(['bridge', 'link', 'set', 'dev', host, 'hairpin', 'on']);
    const inPod = (args: string[]) => sh(['ip', 'netns', 'exec', pod.ns, ...args]);
    await inPod(['ip', 'link', 'set', 'lo', 'up']);
    await inPod(['ip', 'addr', 'add', `${ip}/${this.o.podPrefixLength}`, 'dev', 'eth0']);
    await inPod(['ip', 'link', 'set', 'eth0', 'up']);
    await inPod(['ip', 'route', 'add', 'default', 'via', this.o.gateway]);
    const server = spawn('ip', ['netns', 'exec', pod.ns, process.execPath, '-e', SERVER, name], {
      stdio: 'ignore',
    });
    this.servers.push(server);
    this.pods.push(pod);
    for (let i = 0; i < 100; i++) {
      const [r] = await this.http(undefined, `http://${ip}:${HTTP_PORT}/`, 1);
      if (r?.startsWith(name)) return pod;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`the servers of pod ${name} did not start`);
  }

  /** An HTTP server named `name` in the node namespace itself (a host-network endpoint). */
  async serveOnNode(name: string, host: string, port: number): Promise<{ stop(): Promise<void> }> {
    const script = `require('node:http').createServer((q, s) => s.end(process.argv[1] + ' ' + q.socket.remoteAddress)).listen(${port}, '${host}');`;
    const child = spawn('ip', ['netns', 'exec', this.o.ns, process.execPath, '-e', script, name], {
      stdio: 'ignore',
    });
    const stop = () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    for (let i = 0; i < 100; i++) {
      const [r] = await this.http(undefined, `http://${host}:${port}/`, 1);
      if (r?.startsWith(name)) return { stop };
      await new Promise((res) => setTimeout(res, 100));
    }
    await stop();
    throw new Error(`the node server ${name} did not start`);
  }

  /** `n` HTTP GETs (new connection each) from `from` (a pod) or the node itself. */
  async http(from: Pod | undefined, url: string, n: number): Promise<string[]> {
    const ns = from?.ns ?? this.o.ns;
    const out = await sh(['ip', 'netns', 'exec', ns, process.execPath, '-e', HTTP_CLIENT, url, String(n)]);
    return JSON.parse(out) as string[];
  }

  /** One UDP request from source port `from` in `pod`; the reply or `ERR ...`. */
  async udp(pod: Pod, host: string, port: number, sourcePort: number): Promise<string> {
    const out = await sh([
      'ip',
      'netns',
      'exec',
      pod.ns,
      process.execPath,
      '-e',
      UDP_CLIENT,
      host,
      String(port),
      String(sourcePort),
    ]);
    return JSON.parse(out) as string;
  }

  /** Stops the servers by PID and deletes the pod and node namespaces. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exitCode !== null || s.signalCode !== null) return resolve();
            s.once('exit', () => resolve());
            s.kill('SIGKILL');
          }),
      ),
    );
    for (const p of this.pods) await sh(['ip', 'netns', 'del', p.ns]).catch(() => undefined);
    await sh(['ip', 'netns', 'del', this.o.ns]).catch(() => undefined);
  }
}

/** Why the kernel tests cannot run here, or undefined. */
export async function kernelTestsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces and nftables';
  for (const bin of ['nft', 'ip', 'conntrack', 'sysctl', 'bridge']) {
    try {
      await sh(['sh', '-c', `command -v ${bin}`]);
    } catch {
      return `${bin} is not installed`;
    }
  }
  return undefined;
}
