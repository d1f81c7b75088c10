/**
 * The load generator of bench/network, a process of its own so that it can run inside a
 * pod's network namespace (`ip netns exec`): closed-loop HTTP GETs (a new connection per
 * request, as busybox httpd closes each one) or DNS queries over UDP, printing one JSON
 * line {perSecond, p50, p99, errors}. It prints, it does not assert.
 *
 *   node dist/bench/network/load.js http URL [--host NAME] [--requests N] [--concurrency C]
 *   node dist/bench/network/load.js dns HOST:PORT NAME [--requests N] [--concurrency C]
 */
import { request } from 'node:http';
import { DnsClient } from '../../src/dns/client.js';
import { percentile, runLoad } from '../lib/stats.js';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

function get(url: URL, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: host ? { host } : {}, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const [kind, target, name] = process.argv.slice(2);
  const total = flag('requests', 2000);
  const concurrency = flag('concurrency', 8);
  let errors = 0;
  const count = (p: Promise<unknown>) =>
    p.catch(() => {
      errors++;
    });
  let result: Awaited<ReturnType<typeof runLoad>>;
  if (kind === 'http' && target) {
    const url = new URL(target);
    const i = process.argv.indexOf('--host');
    const host = i > 0 ? process.argv[i + 1] : undefined;
    result = await runLoad(total, concurrency, () => count(get(url, host)));
  } else if (kind === 'dns' && target && name) {
    const [h, p] = target.split(':');
    const client = new DnsClient({ host: h ?? '', port: Number(p ?? 53) });
    result = await runLoad(total, concurrency, () => count(client.query(name, { timeoutMs: 2000 })));
    client.close();
  } else {
    throw new Error('usage: load.js http URL [--host H] | dns HOST:PORT NAME');
  }
  const out = {
    perSecond: result.perSecond,
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    errors,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
