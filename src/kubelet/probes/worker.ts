/**
 * One probe worker: a probe type of one container of one pod. It probes the current
 * container every period from initialDelaySeconds after the container started, counts
 * consecutive results against successThreshold / failureThreshold and holds the result
 * the kubelet acts on. A liveness or startup failure puts it on hold until a new
 * container id arrives; a started container stops the startup worker; liveness and
 * readiness wait while the container is not started. Probes never overlap; every timer is
 * cleared and every probe in flight aborted by stop() or a new container id.
 * It records no events and knows no other worker: its host does both.
 */
import type { ProbeTarget } from '../pods/deps.js';
import type { ProbeOutcome } from './outcome.js';
import type { ProbeKind, ProbeSpec } from './spec.js';

/** The result the kubelet acts on (startup begins unknown: not started). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

const INITIAL: Record<ProbeKind, ProbeResult> = {
  readiness: 'failure',
  liveness: 'success',
  startup: 'unknown',
};

/** What a worker needs from the service that owns it. */
export interface WorkerHost {
  now(): number;
  /** Milliseconds per API second (periods and initial delays). */
  secondMs: number;
  /** Extra wait before the first probe of a worker (jitter after a kubelet restart). */
  firstDelayMs(w: ProbeWorker): number;
  /** Runs the probe against the worker's current container; rejects only on abort. */
  probe(w: ProbeWorker, signal: AbortSignal): Promise<ProbeOutcome>;
  /** Whether the worker's container counts as started. */
  started(w: ProbeWorker): boolean;
  /** Whether the pod is being deleted (liveness and startup then stop, as succeeded). */
  deleting(w: ProbeWorker): boolean;
  /** Every probe outcome, for events and logs. */
  observed(w: ProbeWorker, outcome: ProbeOutcome): void;
  /** Applies a new result: `apply` sets it; the host compares what it exposes before and after. */
  update(w: ProbeWorker, apply: () => void): void;
  /** A liveness or startup probe failed failureThreshold times for the current container. */
  failed(w: ProbeWorker, output: string): void;
  log(m: string): void;
}

export class ProbeWorker {
  #result: ProbeResult;
  #target: ProbeTarget;
  /** Bumped by retarget and stop: continuations of older generations do nothing. */
  #gen = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;
  #lastResult: 'success' | 'failure' | undefined;
  #run = 0;
  /** No more probing for this container (failed liveness/startup, succeeded startup, deletion). */
  #idle = false;
  #triggered = false;
  #stopped = false;

  constructor(
    readonly kind: ProbeKind,
    readonly spec: ProbeSpec,
    target: ProbeTarget,
    private readonly host: WorkerHost,
  ) {
    this.#target = { ...target };
    this.#result = INITIAL[kind];
    this.#scheduleFirst(host.firstDelayMs(this));
  }

  get result(): ProbeResult {
    return this.#result;
  }
  get podUid(): string {
    return this.#target.podUid;
  }
  get containerName(): string {
    return this.#target.containerName;
  }
  get containerId(): string {
    return this.#target.containerId;
  }
  get startedAt(): number {
    return this.#target.startedAt;
  }
  /** Follows the container: a new container id starts over from the initial result. */
  retarget(target: ProbeTarget): void {
    if (this.#stopped) return;
    if (target.containerId === this.#target.containerId) {
      this.#target.startedAt = target.startedAt;
      return;
    }
    this.#cancel();
    this.#target = { ...target };
    this.#result = INITIAL[this.kind];
    this.#lastResult = undefined;
    this.#run = 0;
    this.#idle = false;
    this.#scheduleFirst(0);
  }

  /** Probes now (or right after the probe in flight), unless idle or still in the initial delay. */
  trigger(): void {
    if (this.#stopped || this.#idle) return;
    if (this.#inFlight) {
      this.#triggered = true;
      return;
    }
    const due = this.#target.startedAt + this.spec.initialDelaySeconds * this.host.secondMs;
    this.#arm(Math.max(0, due - this.host.now()));
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  #cancel(): void {
    this.#gen++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.abort(new Error('probe worker stopped'));
    this.#inFlight = undefined;
    this.#triggered = false;
  }

  #scheduleFirst(extraMs: number): void {
    const due = this.#target.startedAt + this.spec.initialDelaySeconds * this.host.secondMs;
    this.#arm(Math.max(0, due - this.host.now()) + extraMs);
  }

  #arm(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    const gen = this.#gen;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (gen === this.#gen) void this.#tick(gen);
    }, delayMs);
  }

  async #tick(gen: number): Promise<void> {
    if (this.#idle) return;
    const probeAt = this.host.now();
    const period = this.spec.periodSeconds * this.host.secondMs;
    if (this.kind !== 'readiness' && this.host.deleting(this)) {
      // A pod going away is not restarted for failing probes: end quietly as succeeded.
      this.#idle = true;
      this.#set('success');
      return;
    }
    if (this.kind !== 'startup' && !this.host.started(this)) {
      this.#arm(period);
      return;
    }
    const ac = new AbortController();
    this.#inFlight = ac;
    let outcome: ProbeOutcome | undefined;
    try {
      outcome = await this.host.probe(this, ac.signal);
    } catch (err) {
      if (gen !== this.#gen) return;
      this.host.log(
        `probe ${this.kind} of ${this.containerName} (${this.podUid}): ${(err as Error).message}`,
      );
    }
    if (gen !== this.#gen) return;
    this.#inFlight = undefined;
    if (outcome) this.#record(outcome);
    if (this.#idle || gen !== this.#gen) return;
    const next = this.#triggered ? 0 : Math.max(0, probeAt + period - this.host.now());
    this.#triggered = false;
    this.#arm(next);
  }

  #record(outcome: ProbeOutcome): void {
    this.host.observed(this, outcome);
    // A probe that could not run says nothing about the container: it is not counted.
    if (outcome.result === 'error') return;
    const r = outcome.result === 'failure' ? 'failure' : 'success';
    if (this.#lastResult === r) this.#run++;
    else {
      this.#lastResult = r;
      this.#run = 1;
    }
    const threshold = r === 'failure' ? this.spec.failureThreshold : this.spec.successThreshold;
    if (this.#run < threshold) return;
    this.#set(r);
    if (this.kind !== 'readiness' && r === 'failure') {
      // The container is restarted; probing resumes with the next container id.
      this.#idle = true;
      this.#run = 0;
      this.host.failed(this, outcome.output);
    } else if (this.kind === 'startup' && r === 'success') {
      this.#idle = true;
    }
  }

  #set(r: ProbeResult): void {
    if (this.#result === r) return;
    this.host.update(this, () => {
      this.#result = r;
    });
  }
}
