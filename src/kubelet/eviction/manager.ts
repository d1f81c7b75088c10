/**
 * The eviction manager (upstream's pkg/kubelet/eviction): every monitoring interval (10 s)
 * it observes the node's signals, keeps the pressure conditions (a threshold raises its
 * condition as soon as it is met, soft or hard; the condition stays for the transition
 * period), records NodeHasInsufficientMemory and the like on the node and tells the node
 * agent about changes. A hard threshold acts at once; a soft one only once it has been
 * met for its grace period. A threshold that acted stays in force until its minimum
 * reclaim is free above it as well. When one is in force it records EvictionThresholdMet on
 * the node, first tries to reclaim disk at node level (image garbage collection) for a
 * disk signal, then ranks the active pods for the starved resource and evicts the first
 * one that can be evicted: with grace period 0 for a hard threshold, with the smaller of
 * --eviction-max-pod-grace-period and the pod's own for a soft one; an Evicted event and
 * the upstream message. At most one pod per interval. Stats, pods, node-level reclaim and
 * the act of evicting are injected, so the loop is testable alone.
 */
import type { KObject } from '../../registry/types.js';
import { sleep } from '../../util/sleep.js';
import { rfc3339 } from '../simulated/time.js';
import { type EvictionThreshold, isHard, reclaimQuantity } from './config.js';
import { disruptionTarget, EVICTED_REASON, evictionMessage } from './message.js';
import { PressureTracker } from './pressure.js';
import { type PodUsage, rankPods } from './rank.js';
import {
  type NodeStats,
  observe,
  type Pressure,
  pressureOf,
  starvedResource,
  thresholdsMet,
} from './signals.js';
import { type Signal, thresholdQuantity } from './thresholds.js';

type Obj = Record<string, unknown>;

/** What an eviction asks of the pod worker. */
export interface EvictRequest {
  reason: string;
  message: string;
  graceS: number;
  /** The DisruptionTarget condition to add to the pod's status. */
  condition: Obj;
}

export interface EvictionManagerOptions {
  thresholds: readonly EvictionThreshold[];
  transitionPeriodMs: number;
  /** The longest grace period a soft eviction gives a pod (--eviction-max-pod-grace-period). */
  maxPodGracePeriodS?: number;
  /** Frees disk without evicting pods (image garbage collection) for a disk signal. */
  reclaimNodeLevel?: (signal: Signal, abort: AbortSignal) => Promise<void>;
  monitoringMs?: number;
  readStats: () => Promise<NodeStats>;
  /** Use by pod uid. */
  readUsage: (signal: AbortSignal) => Promise<Map<string, PodUsage>>;
  /** The pods bound to this node. */
  pods: () => KObject[];
  /** Stops the pod and marks it evicted; false when it could not (gone, already stopping). */
  evict: (pod: KObject, req: EvictRequest, signal: AbortSignal) => Promise<boolean>;
  events: (obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  node: () => KObject;
  /** Called when the set of pressure conditions in force changed. */
  onPressure: (p: ReadonlySet<Pressure>) => void;
  log: (m: string) => void;
  now?: () => number;
}

const PRESSURES: Pressure[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** The node events of a condition going True and going False. */
const TRANSITION_REASONS: Record<Pressure, [string, string]> = {
  MemoryPressure: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
  DiskPressure: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
  PIDPressure: ['NodeHasInsufficientPID', 'NodeHasSufficientPID'],
};

/** Memory thresholds are dealt with first, as upstream orders them. */
function byEvictionPriority(a: EvictionThreshold, b: EvictionThreshold): number {
  const mem = (t: EvictionThreshold) => (starvedResource(t.signal) === 'memory' ? 0 : 1);
  return mem(a) - mem(b);
}

function active(pod: KObject): boolean {
  const phase = (pod['status'] as Obj | undefined)?.['phase'];
  return !pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export class EvictionManager {
  private readonly tracker: PressureTracker;
  private pressures: ReadonlySet<Pressure> = new Set();
  private readonly evicted = new Set<string>();
  /** When each threshold now met was first seen met. */
  private firstObserved = new Map<EvictionThreshold, number>();
  /** The thresholds that were in force (grace periods over) at the last look. */
  private inForce: EvictionThreshold[] = [];

  constructor(private readonly o: EvictionManagerOptions) {
    this.tracker = new PressureTracker(o.transitionPeriodMs);
  }

  /** The pressure conditions in force. */
  get pressure(): ReadonlySet<Pressure> {
    return this.pressures;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async run(signal: AbortSignal): Promise<void> {
    const every = this.o.monitoringMs ?? 10_000;
    while (!signal.aborted) {
      await this.synchronize(signal).catch((err: unknown) => {
        if (!signal.aborted) this.o.log(`eviction: ${(err as Error).message}`);
      });
      await sleep(every, signal);
    }
  }

  /** One look: returns the uid of the pod it evicted, if any. */
  async synchronize(signal: AbortSignal): Promise<string | undefined> {
    let obs = observe(await this.o.readStats());
    const now = this.now();
    const met = thresholdsMet(this.o.thresholds, obs);
    // A threshold that acted last time holds until its minimum reclaim is free too.
    for (const t of this.inForce) if (!met.includes(t) && !reclaimed(t, obs)) met.push(t);
    const first = new Map<EvictionThreshold, number>();
    for (const t of met) first.set(t, this.firstObserved.get(t) ?? now);
    this.firstObserved = first;
    const next = this.tracker.observe(
      met.map((t) => pressureOf(t.signal)),
      now,
    );
    if (next.size !== this.pressures.size || [...next].some((p) => !this.pressures.has(p))) {
      const node = this.o.node();
      for (const p of PRESSURES)
        if (next.has(p) !== this.pressures.has(p)) {
          const reason = TRANSITION_REASONS[p][next.has(p) ? 0 : 1];
          this.o.events(node, 'Normal', reason, `Node ${node.metadata?.name} status is now: ${reason}`);
        }
      this.pressures = next;
      this.o.onPressure(next);
    }
    const inForce = met
      .filter((t) => now - (first.get(t) ?? now) >= (t.gracePeriodMs ?? 0))
      .sort(byEvictionPriority);
    this.inForce = inForce;
    const t = inForce[0];
    if (!t) return undefined;
    const r = starvedResource(t.signal);
    this.o.events(this.o.node(), 'Warning', 'EvictionThresholdMet', `Attempting to reclaim ${r}`);
    if (this.o.reclaimNodeLevel && r !== 'memory' && r !== 'pids') {
      await this.o
        .reclaimNodeLevel(t.signal, signal)
        .catch((err: unknown) => this.o.log(`eviction: reclaiming ${r}: ${(err as Error).message}`));
      obs = observe(await this.o.readStats());
      if (inForce.every((x) => reclaimed(x, obs))) {
        this.o.log(`eviction: reclaimed ${r} without evicting pods`);
        return undefined;
      }
    }
    const usage = await this.o.readUsage(signal);
    const all = this.o.pods();
    const present = new Set(all.map((p) => p.metadata?.uid ?? ''));
    for (const uid of this.evicted) if (!present.has(uid)) this.evicted.delete(uid);
    const pods = all.filter((p) => active(p) && !this.evicted.has(p.metadata?.uid ?? ''));
    const ranked = rankPods(pods, r, (p) => usage.get(p.metadata?.uid ?? ''));
    for (const pod of ranked) {
      const uid = pod.metadata?.uid ?? '';
      const message = evictionMessage(r, t, obs.get(t.signal), pod, usage.get(uid));
      const req: EvictRequest = {
        reason: EVICTED_REASON,
        message,
        graceS: isHard(t) ? 0 : this.softGrace(pod),
        condition: disruptionTarget(message, rfc3339(now)),
      };
      if (!(await this.o.evict(pod, req, signal))) continue;
      this.evicted.add(uid);
      this.o.events(pod, 'Warning', EVICTED_REASON, message);
      this.o.log(`eviction: evicted pod ${pod.metadata?.namespace}/${pod.metadata?.name}: ${message}`);
      return uid;
    }
    this.o.log(`eviction: ${t.signal} below ${t.text} but no pod to evict`);
    return undefined;
  }

  /** A soft eviction's grace: the pod's own, at most --eviction-max-pod-grace-period. */
  private softGrace(pod: KObject): number {
    const max = this.o.maxPodGracePeriodS ?? 0;
    const own = (pod['spec'] as Obj | undefined)?.['terminationGracePeriodSeconds'];
    return typeof own === 'number' ? Math.max(0, Math.min(max, own)) : Math.max(0, max);
  }
}

/** Whether the signal is back above the threshold plus its minimum reclaim (unobserved: yes). */
function reclaimed(t: EvictionThreshold, obs: ReturnType<typeof observe>): boolean {
  const o = obs.get(t.signal);
  if (!o) return true;
  return o.available >= thresholdQuantity(t, o.capacity) + reclaimQuantity(t.minReclaim, o.capacity);
}
