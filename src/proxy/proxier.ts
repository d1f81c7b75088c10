/**
 * Applies the planned nftables transactions to the kernel and keeps what surrounds
 * them in line: the bridge and its route_localnet, the ClusterIP routes, and UDP
 * conntrack entries of endpoints that went away. A full sync re-creates (or refills)
 * the whole table atomically; an incremental sync sends only the changed Services'
 * commands. The applied state changes only when the kernel took the transaction.
 * cleanup() deletes the table and the routes and restores route_localnet if this
 * proxier turned it on.
 */
import { categorize } from './categorize.js';
import type { HealthCheck } from './healthcheck.js';
import {
  type BridgeInfo,
  changeVipRoutes,
  enableRouteLocalnet,
  ensureBridge,
  flushVipRoutes,
  listVipRoutes,
  restoreRouteLocalnet,
} from './host.js';
import type { RuleConfig, ServicePort } from './model.js';
import { emptyState, type Plan, type ProxyState, planFull, planIncremental } from './plan.js';
import { must, type Runner } from './runner.js';

export interface ProxierOptions {
  rules: RuleConfig;
  bridge: BridgeInfo;
  runner: Runner;
  now?: () => number;
}

export interface SyncStats {
  /** Characters of nft input sent. */
  nftBytes: number;
  routesAdded: number;
  routesRemoved: number;
  conntrackDeletes: number;
}

export class Proxier {
  private state: ProxyState = emptyState();
  private localnetBefore: string | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ProxierOptions) {
    this.now = o.now ?? Date.now;
  }

  get table(): string {
    return this.o.rules.table;
  }

  /** Emptied chains still waiting to be deleted. */
  get staleChains(): number {
    return this.state.stale.size;
  }

  /** The ports of every Service as applied. */
  applied(): Map<string, ServicePort[]> {
    return new Map([...this.state.services].map(([k, s]) => [k, s.ports]));
  }

  /**
   * Programs the whole table from `services` (Service key -> ports) in one transaction:
   * re-created from scratch when `recreate` or when it does not exist, else refilled in
   * place (affinity sets keep their entries).
   */
  async syncAll(services: Map<string, ServicePort[]>, recreate: boolean): Promise<SyncStats> {
    const r = this.o.runner;
    await ensureBridge(r, this.o.bridge);
    const before = await enableRouteLocalnet(r, this.o.bridge.bridge);
    if (before !== undefined && this.localnetBefore === undefined) this.localnetBefore = before;
    const existing = recreate ? undefined : await this.listTable();
    const plan = planFull(this.o.rules, services, {
      now: this.now(),
      recreate: recreate || !existing,
      ...(existing ? { existing } : {}),
      previous: this.state,
    });
    await must(r, 'nft', ['-f', '-'], plan.text);
    this.state = plan.state;
    const want = new Set([...plan.state.services.values()].flatMap((s) => s.rendered.vips));
    const have = new Set(await listVipRoutes(r, this.o.bridge.bridge));
    const add = [...want].filter((v) => !have.has(v));
    const del = [...have].filter((v) => !want.has(v));
    await changeVipRoutes(r, this.o.bridge, add, del);
    const cleared = await this.clearConntrack(plan);
    return {
      nftBytes: plan.text.length,
      routesAdded: add.length,
      routesRemoved: del.length,
      conntrackDeletes: cleared,
    };
  }

  /** Applies the changes of the Services in `changes` (key -> ports now; [] when gone). */
  async syncChanged(changes: Map<string, ServicePort[]>): Promise<SyncStats> {
    const r = this.o.runner;
    const plan = planIncremental(this.o.rules, this.state, changes, this.now());
    if (plan.text) await must(r, 'nft', ['-f', '-'], plan.text);
    this.state = plan.state;
    await changeVipRoutes(r, this.o.bridge, plan.addVips, plan.delVips);
    const cleared = await this.clearConntrack(plan);
    return {
      nftBytes: plan.text.length,
      routesAdded: plan.addVips.length,
      routesRemoved: plan.delVips.length,
      conntrackDeletes: cleared,
    };
  }

  /** One health check per Service with a healthCheckNodePort, counting local ready endpoints. */
  healthChecks(): HealthCheck[] {
    const out: HealthCheck[] = [];
    for (const { ports } of this.state.services.values()) {
      const sp = ports.find((p) => p.healthCheckNodePort > 0);
      if (!sp) continue;
      const local = new Set(
        ports.flatMap((p) => categorize(p).local.filter((e) => e.ready)).map((e) => `${e.ip}:${e.port}`),
      );
      out.push({
        port: sp.healthCheckNodePort,
        namespace: sp.namespace,
        name: sp.name,
        localEndpoints: local.size,
      });
    }
    return out;
  }

  /** Deletes the table and the routes; restores route_localnet if this proxier changed it. */
  async cleanup(): Promise<void> {
    const r = this.o.runner;
    await r.run('nft', ['delete', 'table', 'ip', this.table]);
    await flushVipRoutes(r, this.o.bridge.bridge);
    if (this.localnetBefore !== undefined)
      await restoreRouteLocalnet(r, this.o.bridge.bridge, this.localnetBefore);
    this.localnetBefore = undefined;
    this.state = emptyState();
  }

  private async clearConntrack(plan: Plan): Promise<number> {
    // Exit status 1 means "nothing matched": expected most of the time.
    for (const args of plan.conntrack) await this.o.runner.run('conntrack', args);
    return plan.conntrack.length;
  }

  /** The chains and sets of the table now, or undefined when it does not exist. */
  private async listTable(): Promise<{ chains: string[]; sets: string[] } | undefined> {
    const r = this.o.runner;
    const chains = namesIn(await must(r, 'nft', ['list', 'chains', 'ip']), this.table, /^chain (\S+) \{$/);
    if (!chains) return undefined;
    const sets = namesIn(
      await must(r, 'nft', ['-t', 'list', 'sets', 'ip']),
      this.table,
      /^(?:set|map) (\S+) \{$/,
    );
    return { chains, sets: sets ?? [] };
  }
}

/** Names matching `re` inside `table ip <table> { ... }` of an `nft list` output. */
export function namesIn(listing: string, table: string, re: RegExp): string[] | undefined {
  let inside = false;
  let found = false;
  const names: string[] = [];
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const t = /^table ip (\S+) \{$/.exec(line);
    if (t) {
      inside = t[1] === table;
      found ||= inside;
      continue;
    }
    if (!inside) continue;
    const m = re.exec(line);
    if (m?.[1]) names.push(m[1]);
  }
  return found ? names : undefined;
}
