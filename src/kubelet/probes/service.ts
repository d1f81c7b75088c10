/**
 * The kubelet's probe service (ProbeService of ../pods/deps.ts): keeps one worker per
 * (pod, container, probe type) for the running containers the pod worker reports, answers
 * readiness and started from the workers' results, records the `Unhealthy` and
 * `ProbeWarning` events, tells the pod worker when readiness or started changed
 * (onChange) and when a container must be restarted (onFailure). It never writes pod
 * status and never restarts containers itself.
 *
 * Answers for a pod not synced yet are false (its probes are unknown); its first sync
 * calls onChange (on the next turn of the event loop) if that is no longer so.
 */
import type { KObject } from '../../registry/types.js';
import type { CriClient } from '../cri/client.js';
import { podRef } from '../pod-ref.js';
import type { EventSink, ProbeFailureHandler, ProbeService } from '../pods/deps.js';
import { probeEvent } from './events.js';
import type { ProbeOutcome } from './outcome.js';
import { runProbe } from './prober.js';
import {
  findContainer,
  type Obj,
  type ProbeKind,
  type ProbeSpec,
  probedContainers,
  readProbe,
} from './spec.js';
import { ProbeWorker, type WorkerHost } from './worker.js';

export interface ProbeOptions {
  cri: Pick<CriClient, 'execSync'>;
  /** Readiness or started changed for a container of the pod: the pod worker writes status. */
  onChange: (podUid: string) => void;
  /** A liveness or startup probe failed failureThreshold times: the pod worker restarts the container. */
  onFailure: ProbeFailureHandler;
  events: EventSink;
  log: (m: string) => void;
  /** The clock (ms since epoch) that ProbeTarget.startedAt is read against; Date.now by default. */
  now?: () => number;
  /**
   * Milliseconds per second of periodSeconds and initialDelaySeconds (1000 by default);
   * tests shorten it. Probe timeouts are not scaled.
   */
  secondMs?: number;
  /**
   * Spreads the first probes of containers that were already running when the service
   * started over one period, as the kubelet does after a restart (default true).
   */
  startupJitter?: boolean;
  /** Extra time an exec probe's runtime call may take past its timeout (default 2 min). */
  execGraceMs?: number;
}

/** What the service keeps per pod. */
interface PodRecord {
  pod: KObject;
  podIP: string;
  /** Probe specs by container name (only containers that have at least one probe). */
  specs: Map<string, Partial<Record<ProbeKind, ProbeSpec>>>;
  /** Workers by `container/kind`. */
  workers: Map<string, ProbeWorker>;
}

const KINDS: ProbeKind[] = ['startup', 'liveness', 'readiness'];
const key = (container: string, kind: ProbeKind): string => `${container}/${kind}`;

function specsOf(pod: KObject): PodRecord['specs'] {
  const specs: PodRecord['specs'] = new Map();
  for (const c of probedContainers(pod)) {
    const name = String(c['name']);
    const found: Partial<Record<ProbeKind, ProbeSpec>> = {};
    for (const kind of KINDS) {
      const spec = readProbe(c, kind);
      if (spec) found[kind] = spec;
    }
    if (Object.keys(found).length > 0) specs.set(name, found);
  }
  return specs;
}

export function createProbeService(opts: ProbeOptions): ProbeService & { close(): void } {
  const now = opts.now ?? Date.now;
  const secondMs = opts.secondMs ?? 1000;
  const serviceStart = now();
  const pods = new Map<string, PodRecord>();

  // Pods asked about before their first sync: the answer was false (their probes were not
  // known yet); the first sync tells the pod worker if that has become true.
  const askedEarly = new Set<string>();
  const pending = new Set<NodeJS.Immediate>();
  const later = (fn: () => void): void => {
    const h = setImmediate(() => {
      pending.delete(h);
      fn();
    });
    pending.add(h);
  };

  const isStarted = (podUid: string, name: string, containerId: string): boolean => {
    const rec = pods.get(podUid);
    if (!rec) {
      askedEarly.add(podUid);
      // Bounded: a pod asked about and then never synced nor removed is forgotten in time.
      if (askedEarly.size > 4096) askedEarly.delete(askedEarly.values().next().value ?? '');
      return false;
    }
    if (!rec.specs.get(name)?.startup) return true;
    const w = rec.workers.get(key(name, 'startup'));
    return w !== undefined && w.containerId === containerId && w.result === 'success';
  };

  const isReady = (podUid: string, name: string, containerId: string): boolean => {
    if (!isStarted(podUid, name, containerId)) return false;
    const rec = pods.get(podUid);
    if (!rec?.specs.get(name)?.readiness) return true;
    const w = rec.workers.get(key(name, 'readiness'));
    return w !== undefined && w.containerId === containerId && w.result === 'success';
  };

  const recordOf = (w: ProbeWorker): PodRecord | undefined => {
    const rec = pods.get(w.podUid);
    return rec?.workers.get(key(w.containerName, w.kind)) === w ? rec : undefined;
  };

  const safely = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      opts.log(`probes: ${what} failed: ${(err as Error).message}`);
    }
  };

  const host: WorkerHost = {
    now,
    secondMs,
    firstDelayMs(w) {
      // Only containers that ran before the service started (a kubelet restart) are spread.
      const period = w.spec.periodSeconds * secondMs;
      if (opts.startupJitter === false || w.startedAt >= serviceStart) return 0;
      if (now() - serviceStart >= period) return 0;
      return Math.floor(Math.random() * period);
    },
    probe(w, signal) {
      const rec = recordOf(w);
      const container: Obj | undefined = rec && findContainer(rec.pod, w.containerName);
      if (!rec || !container) return Promise.reject(new Error('container is gone'));
      return runProbe(w.spec, {
        cri: opts.cri,
        container,
        containerId: w.containerId,
        podIP: rec.podIP,
        podRef: podRef(rec.pod),
        signal,
        execGraceMs: opts.execGraceMs,
      });
    },
    started: (w) => isStarted(w.podUid, w.containerName, w.containerId),
    deleting: (w) => Boolean(recordOf(w)?.pod.metadata?.deletionTimestamp),
    observed(w, outcome) {
      const rec = recordOf(w);
      if (rec) recordEvent(rec.pod, w, outcome);
    },
    update(w, apply) {
      const before = [isReady, isStarted].map((f) => f(w.podUid, w.containerName, w.containerId));
      apply();
      const after = [isReady, isStarted].map((f) => f(w.podUid, w.containerName, w.containerId));
      if (w.kind === 'startup' && w.result === 'success') {
        recordOf(w)?.workers.get(key(w.containerName, 'readiness'))?.trigger();
      }
      if (before.some((v, i) => v !== after[i])) safely('onChange', () => opts.onChange(w.podUid));
    },
    failed(w, output) {
      opts.log(`probes: ${w.kind} probe of ${w.containerName} (pod ${w.podUid}) failed; restart needed`);
      safely('onFailure', () =>
        opts.onFailure(
          w.podUid,
          w.containerName,
          w.containerId,
          w.kind === 'startup' ? 'startup' : 'liveness',
          output,
        ),
      );
    },
    log: opts.log,
  };

  const recordEvent = (pod: KObject, w: ProbeWorker, outcome: ProbeOutcome): void => {
    const ev = probeEvent(w.kind, outcome);
    if (!ev) return;
    opts.log(`probes: pod ${podRef(pod)} container ${w.containerName}: ${ev.message}`);
    safely('event', () => opts.events(pod, 'Warning', ev.reason, ev.message));
  };

  const removePod = (podUid: string): void => {
    const rec = pods.get(podUid);
    if (!rec) return;
    pods.delete(podUid);
    askedEarly.delete(podUid);
    for (const w of rec.workers.values()) w.stop();
  };

  return {
    sync(pod, podIP, running) {
      const uid = pod.metadata?.uid;
      if (!uid) return;
      const rec = pods.get(uid) ?? { pod, podIP, specs: new Map(), workers: new Map() };
      pods.set(uid, rec);
      rec.pod = pod;
      rec.podIP = podIP;
      rec.specs = specsOf(pod);
      if (askedEarly.delete(uid) && running.some((t) => isStarted(uid, t.containerName, t.containerId))) {
        later(() => {
          if (pods.get(uid) === rec) safely('onChange', () => opts.onChange(uid));
        });
      }
      const wanted = new Set<string>();
      for (const t of running) {
        const specs = rec.specs.get(t.containerName) ?? {};
        for (const kind of KINDS) {
          const spec = specs[kind];
          if (!spec) continue;
          const k = key(t.containerName, kind);
          wanted.add(k);
          const w = rec.workers.get(k);
          if (w) w.retarget({ ...t, podUid: uid });
          else rec.workers.set(k, new ProbeWorker(kind, spec, { ...t, podUid: uid }, host));
        }
      }
      for (const [k, w] of rec.workers) {
        if (wanted.has(k)) continue;
        w.stop();
        rec.workers.delete(k);
      }
    },
    removePod,
    isReady,
    isStarted,
    close() {
      for (const uid of [...pods.keys()]) removePod(uid);
      for (const h of pending) clearImmediate(h);
      pending.clear();
      askedEarly.clear();
    },
  };
}
