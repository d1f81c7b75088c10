/**
 * Node health as the node lifecycle controller judges it: when it last heard from a node
 * (a change of the Lease's renewTime or of the Ready condition's heartbeat, timed by the
 * controller's own clock, so clock skew between machines does not matter), whether that
 * is longer ago than the grace period, and the conditions a silent node gets (Unknown,
 * NodeStatusUnknown, "Kubelet stopped posting node status."). Also the disruption state
 * of a zone, which slows or stops evictions when many nodes fail at once. Pure.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

export const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface Probe {
  lease: string | undefined;
  heartbeat: string | undefined;
  /** When the controller last saw either change. */
  at: number;
}

export function readyHeartbeat(node: KObject): string | undefined {
  const conds = ((node['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  const c = conds.find((x) => x['type'] === 'Ready');
  return typeof c?.['lastHeartbeatTime'] === 'string' ? c['lastHeartbeatTime'] : undefined;
}

/** The probe after looking at the node's Lease renewTime and Ready heartbeat now. */
export function observe(
  probe: Probe | undefined,
  lease: string | undefined,
  heartbeat: string | undefined,
  now: number,
): Probe {
  if (probe && probe.lease === lease && probe.heartbeat === heartbeat) return probe;
  return { lease, heartbeat, at: now };
}

export interface Grace {
  /** --node-monitor-grace-period. */
  graceMs: number;
  /** For nodes that never posted a Ready condition. */
  startupGraceMs: number;
}

export function isStale(node: KObject, probe: Probe, now: number, g: Grace): boolean {
  const grace = readyHeartbeat(node) === undefined && !probe.lease ? g.startupGraceMs : g.graceMs;
  return now - probe.at > grace;
}

/** The conditions of a node gone silent, or undefined when they already say Unknown. */
export function unknownConditions(node: KObject, nowStamp: string): Obj[] | undefined {
  const conds = (((node['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? []).map(
    (c) => ({ ...c }),
  );
  let changed = false;
  for (const type of NODE_CONDITIONS) {
    const c = conds.find((x) => x['type'] === type);
    if (!c) {
      conds.push({
        type,
        status: 'Unknown',
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: nowStamp,
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
      });
      changed = true;
    } else if (c['status'] !== 'Unknown') {
      c['status'] = 'Unknown';
      c['reason'] = 'NodeStatusUnknown';
      c['message'] = 'Kubelet stopped posting node status.';
      c['lastTransitionTime'] = nowStamp;
      changed = true;
    }
  }
  return changed ? conds : undefined;
}

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Upstream's ComputeZoneState with its unhealthy-zone threshold of 55 %. */
export function zoneState(ready: number, notReady: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= 0.55) return 'PartialDisruption';
  return 'Normal';
}

export function zoneOf(node: KObject): string {
  const l = node.metadata?.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return `${region}/${zone}`;
}

/**
 * Nodes tainted NoExecute per second in a zone: 0.1 normally and in a zone that is down
 * altogether (when others are up), 0.01 in a large partly disrupted zone, none in a small
 * one (upstream's --node-eviction-rate, --secondary-node-eviction-rate and
 * --large-cluster-size-threshold defaults).
 */
export function evictionRate(state: ZoneState, zoneSize: number): number {
  if (state === 'PartialDisruption') return zoneSize > 50 ? 0.01 : 0;
  return 0.1;
}

/** A token bucket (burst 1): take() says 0 when allowed now, else how long to wait. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private qps: number,
    now: number,
    private readonly burst = 1,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  setRate(qps: number, now: number): void {
    this.refill(now);
    this.qps = qps;
  }

  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return this.qps > 0 ? Math.ceil(((1 - this.tokens) / this.qps) * 1000) : Number.POSITIVE_INFINITY;
  }

  /** Gives back a token taken for a write that failed. */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}
