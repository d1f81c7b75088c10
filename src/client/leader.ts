/**
 * Leader election on a coordination.k8s.io/v1 Lease, so that two servers never run the
 * same controller or the scheduler at once. The holder renews the lease every retry
 * period; others take it over only after it has gone unrenewed for the lease duration.
 * Every write is a compare-and-swap on the lease's resourceVersion.
 */
import type { KObject } from '../registry/types.js';
import { sleep } from './backoff.js';
import type { Client } from './client.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';

export interface LeaderElectionConfig {
  client: Client;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  now?: () => number;
  log?: (msg: string) => void;
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

export class LeaderElector {
  private readonly leaseS: number;
  private readonly renewS: number;
  private readonly retryS: number;
  private readonly now: () => number;
  private observed: { rv: string; renewMs: number; holder: string } | undefined;
  isLeader = false;

  constructor(private readonly cfg: LeaderElectionConfig) {
    this.leaseS = cfg.leaseDurationSeconds ?? 15;
    this.renewS = cfg.renewDeadlineSeconds ?? 10;
    this.retryS = cfg.retryPeriodSeconds ?? 2;
    this.now = cfg.now ?? Date.now;
  }

  /**
   * Campaigns until elected, then calls `lead(signal)` and renews; when renewal fails for
   * renewDeadline, the lead signal aborts and it campaigns again. Runs until `signal` aborts,
   * then releases the lease if held.
   */
  async run(signal: AbortSignal, lead: (signal: AbortSignal) => void): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.tryAcquire())) {
        await sleep(this.retryS * 1000, signal);
        continue;
      }
      this.isLeader = true;
      this.cfg.log?.(`leader election: ${this.cfg.identity} became leader of ${this.cfg.name}`);
      const term = new AbortController();
      const onAbort = () => term.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      lead(term.signal);
      let lastRenew = this.now();
      while (!signal.aborted) {
        await sleep(this.retryS * 1000, signal);
        if (signal.aborted) break;
        if (await this.tryAcquire()) lastRenew = this.now();
        else if (this.now() - lastRenew > this.renewS * 1000) break;
      }
      signal.removeEventListener('abort', onAbort);
      term.abort();
      this.isLeader = false;
      if (signal.aborted) await this.release();
      else this.cfg.log?.(`leader election: ${this.cfg.identity} lost ${this.cfg.name}`);
    }
  }

  private leases() {
    return this.cfg.client.resource('coordination.k8s.io', 'v1', 'leases');
  }

  /** One attempt to take or renew the lease; true when we hold it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.now();
    const leases = this.leases();
    let lease: KObject;
    try {
      lease = await leases.get(this.cfg.namespace, this.cfg.name);
    } catch (err) {
      if (!isNotFound(err)) return false;
      try {
        await leases.create(this.cfg.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.cfg.name, namespace: this.cfg.namespace },
          spec: this.spec(now, now, 0),
        });
        return true;
      } catch (e) {
        if (isAlreadyExists(e)) return false;
        return false;
      }
    }
    const spec = (lease['spec'] ?? {}) as {
      holderIdentity?: string;
      leaseDurationSeconds?: number;
      acquireTime?: string;
      leaseTransitions?: number;
    };
    const rv = lease.metadata?.resourceVersion ?? '';
    const holder = spec.holderIdentity ?? '';
    if (!this.observed || this.observed.rv !== rv) this.observed = { rv, renewMs: now, holder };
    const expired = this.observed.renewMs + (spec.leaseDurationSeconds ?? this.leaseS) * 1000 < now;
    if (holder && holder !== this.cfg.identity && !expired) return false;
    const mine = holder === this.cfg.identity;
    const acquired = mine && spec.acquireTime ? Date.parse(spec.acquireTime) : now;
    lease['spec'] = this.spec(acquired, now, (spec.leaseTransitions ?? 0) + (mine ? 0 : 1));
    try {
      const updated = await leases.update(lease);
      this.observed = {
        rv: updated.metadata?.resourceVersion ?? '',
        renewMs: now,
        holder: this.cfg.identity,
      };
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      return false;
    }
  }

  private spec(acquireMs: number, renewMs: number, transitions: number) {
    return {
      holderIdentity: this.cfg.identity,
      leaseDurationSeconds: this.leaseS,
      acquireTime: microTime(acquireMs),
      renewTime: microTime(renewMs),
      leaseTransitions: transitions,
    };
  }

  private async release(): Promise<void> {
    try {
      const lease = await this.leases().get(this.cfg.namespace, this.cfg.name);
      const spec = lease['spec'] as { holderIdentity?: string };
      if (spec.holderIdentity !== this.cfg.identity) return;
      lease['spec'] = { ...spec, holderIdentity: '', leaseDurationSeconds: 1 };
      await this.leases().update(lease);
    } catch {
      // Best effort: the lease expires anyway.
    }
  }
}
