/**
 * Health checks for LoadBalancer Services with externalTrafficPolicy Local: an HTTP
 * server on each spec.healthCheckNodePort that answers 200 while this node has a ready
 * endpoint of the Service and 503 otherwise, with a JSON body naming the Service and
 * its local endpoint count (what load balancers probe to pick nodes). Servers follow
 * the Services: started, updated and stopped by sync().
 */
import { createServer, type Server } from 'node:http';

export interface HealthCheck {
  port: number;
  namespace: string;
  name: string;
  localEndpoints: number;
}

interface Entry {
  server: Server;
  check: HealthCheck;
}

export class HealthCheckServers {
  private readonly servers = new Map<number, Entry>();

  constructor(
    private readonly host: string,
    private readonly log: (m: string) => void,
  ) {}

  /** Serves exactly `checks` (one per port; later duplicates are ignored). */
  async sync(checks: HealthCheck[]): Promise<void> {
    const wanted = new Map<number, HealthCheck>();
    for (const c of checks) if (c.port > 0 && !wanted.has(c.port)) wanted.set(c.port, c);
    for (const [port, e] of this.servers)
      if (!wanted.has(port)) {
        this.servers.delete(port);
        await close(e.server);
      }
    for (const [port, check] of wanted) {
      const e = this.servers.get(port);
      if (e) {
        e.check = check;
        continue;
      }
      const entry: Entry = { check, server: createServer((_req, res) => respond(entry.check, res)) };
      try {
        await listen(entry.server, this.host, port);
        this.servers.set(port, entry);
      } catch (err) {
        this.log(`health check port ${this.host}:${port}: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map((e) => close(e.server)));
  }
}

function respond(c: HealthCheck, res: import('node:http').ServerResponse): void {
  const body = JSON.stringify({
    service: { namespace: c.namespace, name: c.name },
    localEndpoints: c.localEndpoints,
    serviceProxyHealthy: true,
  });
  res.writeHead(c.localEndpoints > 0 ? 200 : 503, {
    'Content-Type': 'application/json',
    'X-Content-Type-Options': 'nosniff',
    'X-Load-Balancing-Endpoint-Weight': String(c.localEndpoints),
  });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
