/**
 * The scheduling queue, after upstream's PriorityQueue:
 *  - activeQ: pods to try now, highest priority first, then first come first served;
 *  - backoffQ: pods that failed, each waiting out its backoff (1 s doubling per attempt,
 *    up to 10 s) before flushBackoff() moves it to activeQ;
 *  - unschedulable: pods no node fits, until a cluster event that may help them (see
 *    events.ts) moves them back (to backoffQ if still backing off), or until they have
 *    waited maxUnschedulableMs (5 min) and flushUnschedulable() retries them anyway.
 * A pod whose attempt overlapped a "move" (an event arrived while it was being
 * scheduled) goes to backoffQ instead of unschedulable, so the event is not lost. The
 * clock is injected; the owner calls the flush methods on a timer. Pure.
 */
import { type ClusterEvent, eventMayHelp } from './events.js';
import { Heap } from './heap.js';
import type { PodInfo } from './pod-info.js';

export interface QueuedPod {
  pi: PodInfo;
  readonly key: string;
  /** When it last entered the queue (FIFO among pods of equal priority). */
  timestamp: number;
  /** When it was first popped; 0 before. */
  initialAttempt: number;
  attempts: number;
  unschedulablePlugins: Set<string>;
  /** When its last attempt failed; 0 before. */
  failedAt: number;
  seq: number;
}

export interface QueueOptions {
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxUnschedulableMs?: number;
}

export type QueueName = 'active' | 'backoff' | 'unschedulable' | 'inFlight';

export class SchedulingQueue {
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly active = new Heap<QueuedPod>(
    (q) => q.key,
    (a, b) =>
      a.pi.priority !== b.pi.priority
        ? a.pi.priority > b.pi.priority
        : a.timestamp !== b.timestamp
          ? a.timestamp < b.timestamp
          : a.seq < b.seq,
  );
  private readonly backoff = new Heap<QueuedPod>(
    (q) => q.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  private readonly unschedulable = new Map<string, QueuedPod>();
  /** Pods popped and not yet done, with the cycle they were popped in. */
  private readonly inFlight = new Map<string, { qp: QueuedPod; cycle: number; deleted: boolean }>();
  private cycle = 0;
  private moveRequestCycle = -1;
  private seq = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(opts: QueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
  }

  /** Where a pod is, if queued or in flight. */
  where(key: string): QueueName | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  get lengths(): Record<QueueName, number> {
    return {
      active: this.active.size,
      backoff: this.backoff.size,
      unschedulable: this.unschedulable.size,
      inFlight: this.inFlight.size,
    };
  }

  /** A new pending pod (or one already known: then an update). */
  add(pi: PodInfo): void {
    if (this.where(pi.key)) return this.update(pi, true);
    const now = this.now();
    this.pushActive({
      pi,
      key: pi.key,
      timestamp: now,
      initialAttempt: 0,
      attempts: 0,
      unschedulablePlugins: new Set(),
      failedAt: 0,
      seq: this.seq++,
    });
  }

  /**
   * A queued pod changed. `mayHelp` (its spec or labels changed, not only its status) moves
   * an unschedulable pod back to be retried.
   */
  update(pi: PodInfo, mayHelp: boolean): void {
    const key = pi.key;
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.qp.pi = pi;
      return;
    }
    const a = this.active.get(key);
    if (a) {
      a.pi = pi;
      this.active.push(a);
      return;
    }
    const b = this.backoff.get(key);
    if (b) {
      b.pi = pi;
      this.backoff.push(b);
      return;
    }
    const u = this.unschedulable.get(key);
    if (u) {
      u.pi = pi;
      if (mayHelp) {
        this.unschedulable.delete(key);
        this.requeue(u);
      }
      return;
    }
    this.add(pi);
  }

  /** Takes a pod out of whichever sub-queue holds it (a pod is in at most one). */
  private removeQueued(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  delete(key: string): void {
    this.removeQueued(key);
    const flying = this.inFlight.get(key);
    if (flying) flying.deleted = true;
  }

  /** The next pod to schedule, or undefined when activeQ is empty. Call done(key) after. */
  pop(): QueuedPod | undefined {
    const qp = this.active.pop();
    if (!qp) return undefined;
    this.cycle++;
    qp.attempts++;
    if (qp.initialAttempt === 0) qp.initialAttempt = this.now();
    this.inFlight.set(qp.key, { qp, cycle: this.cycle, deleted: false });
    return qp;
  }

  /** Resolves when activeQ has a pod, or the queue is closed, or `signal` aborts. */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.active.size > 0 || this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The attempt at `key` succeeded (the pod was assumed) or the pod was dropped. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The attempt failed because no node fits (`plugins` rejected it): the pod waits in
   * unschedulable for an event that may help, or in backoffQ if such an event may already
   * have happened during the attempt.
   */
  addUnschedulable(qp: QueuedPod, plugins: ReadonlySet<string>): void {
    const flying = this.inFlight.get(qp.key);
    this.inFlight.delete(qp.key);
    if (flying?.deleted) return;
    this.removeQueued(qp.key);
    qp.unschedulablePlugins = new Set(plugins);
    qp.failedAt = this.now();
    qp.timestamp = qp.failedAt;
    if (flying && this.moveRequestCycle >= flying.cycle) this.backoff.push(qp);
    else this.unschedulable.set(qp.key, qp);
  }

  /** The attempt failed with an error (a failed bind, say): retry after the backoff. */
  addBackoff(qp: QueuedPod): void {
    const flying = this.inFlight.get(qp.key);
    this.inFlight.delete(qp.key);
    if (flying?.deleted) return;
    this.removeQueued(qp.key);
    qp.failedAt = this.now();
    qp.timestamp = qp.failedAt;
    this.backoff.push(qp);
  }

  /** Moves the unschedulable pods `event` may help to activeQ (or backoffQ while backing off). */
  moveOnEvent(event: ClusterEvent): void {
    this.moveRequestCycle = this.cycle;
    if (this.unschedulable.size === 0) return;
    for (const [key, qp] of this.unschedulable) {
      if (!eventMayHelp(event, qp.unschedulablePlugins)) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
    }
  }

  backoffDuration(qp: QueuedPod): number {
    if (qp.attempts <= 0) return 0;
    return Math.min(this.initialBackoffMs * 2 ** (qp.attempts - 1), this.maxBackoffMs);
  }

  backoffExpiry(qp: QueuedPod): number {
    return qp.failedAt === 0 ? 0 : qp.failedAt + this.backoffDuration(qp);
  }

  /** Moves pods whose backoff is over to activeQ (called every second). */
  flushBackoff(): void {
    const now = this.now();
    for (;;) {
      const head = this.backoff.peek();
      if (!head || this.backoffExpiry(head) > now) return;
      this.backoff.pop();
      this.pushActive(head);
    }
  }

  /** Retries pods unschedulable for longer than maxUnschedulableMs (called every 30 seconds). */
  flushUnschedulable(): void {
    const now = this.now();
    for (const [key, qp] of this.unschedulable) {
      if (now - qp.failedAt < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
  }

  private requeue(qp: QueuedPod): void {
    if (this.backoffExpiry(qp) > this.now()) this.backoff.push(qp);
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPod): void {
    this.active.push(qp);
    if (this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
  }
}
