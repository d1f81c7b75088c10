/**
 * The kubelet's pods: an informer on the pods bound to this node, a relist of the
 * runtime every second (the PLEG: a pod whose sandboxes or containers changed is synced;
 * an API update that changed only the status is not, see ./pod-update.ts), and a keyed
 * work queue (by pod uid; one sync per pod at a time) running PodSyncer.
 * Writes each status when it changed, deletes pods that finished stopping for deletion,
 * and removes from the runtime what belongs to pods the API no longer has. Also answers
 * the kubelet server's lookups (containers, log files, sandboxes by pod name).
 * Static pods (../static) come from manifest files instead of the informer; their
 * status goes to their mirror pods, which are never run themselves.
 * A pod met for the first time with nothing of it in the runtime is admitted first
 * (./admission.ts, synchronously, so that concurrent first syncs see each other): a
 * refused pod is never started, only its Failed status is written (and it is deleted
 * from the API with no grace once it is being deleted). Static pods are always admitted.
 */
import type { Client } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { Informer } from '../../client/informer.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { ContainerRef, LookupError, PodLookup } from '../server/lookup.js';
import { rfc3339 } from '../simulated/time.js';
import { mirrorHash } from '../static/annotations.js';
import type { StaticPodSource } from '../static/types.js';
import { type AdmitHandler, awaitsAdmission, canAdmitPod, finished, rejectedStatus } from './admission.js';
import { callOpts, type PodContext } from './context.js';
import type { Obj } from './deps.js';
import { removePod } from './kill.js';
import { MANAGED } from './labels.js';
import { PodState } from './pod-state.js';
import { needsSync } from './pod-update.js';
import { fingerprint, groupByPod, type PodRuntimeView } from './runtime-view.js';
import { podLogDir } from './sandbox-config.js';
import { PodSyncer } from './sync.js';

const UID_INDEX = 'uid';
/**
 * Pods synced at once. Upstream gives every pod its own worker; pods created together
 * must start together (a wait for a free worker adds up to a whole sandbox start), so
 * this only caps a pathological burst. Each worker is a pending promise, nothing more.
 */
const POD_WORKERS = 64;

export class PodManager implements PodLookup {
  readonly informer: Informer;
  private readonly queue = new WorkQueue(5, 10_000);
  private readonly syncer: PodSyncer;
  private readonly states = new Map<string, PodState>();
  private runtime = new Map<string, PodRuntimeView>();
  private prints = new Map<string, string>();
  /** A relist of the whole runtime succeeded since start. */
  private relisted = false;
  /** Pods whose sync is under way. */
  private readonly syncing = new Set<string>();
  private readonly api;
  private readonly admitHandlers: AdmitHandler[] = [];
  /** Pods this kubelet refused, never started, with the status they get. */
  private readonly rejected = new Map<string, Obj>();

  constructor(
    private readonly ctx: PodContext,
    client: Client,
    /** Pods from manifest files: run from there, their status goes to their mirror pods. */
    private readonly statics?: StaticPodSource,
  ) {
    this.api = client.resource('', 'v1', 'pods');
    this.informer = new Informer(this.api, {
      fieldSelector: `spec.nodeName=${ctx.nodeName}`,
      indexers: { [UID_INDEX]: (p) => [p.metadata?.uid ?? ''] },
      log: (m) => ctx.log(`pod informer: ${m}`),
    });
    const enqueue = (p: KObject) => {
      // A mirror pod is not run: its events look at the static pod it mirrors.
      this.queue.add(mirrorHash(p) ?? p.metadata?.uid ?? '');
    };
    this.informer.addHandler({
      onAdd: enqueue,
      // A status-only change (mostly this kubelet's own write) waits for the periodic sync.
      onUpdate: (old, p) => {
        if (mirrorHash(p) !== undefined || needsSync(old, p)) enqueue(p);
      },
      onDelete: enqueue,
    });
    statics?.subscribe((uid) => this.queue.add(uid));
    this.syncer = new PodSyncer(ctx);
  }

  /** Adds a check that pods pass before their first sync (upstream's AddPodAdmitHandler). */
  addAdmitHandler(h: AdmitHandler): void {
    this.admitHandlers.push(h);
  }

  /** Looks at the pod again soon (probe results, liveness kills). */
  poke(uid: string): void {
    this.queue.add(uid);
  }

  requestKill(uid: string, containerId: string, why: string): void {
    this.states.get(uid)?.killRequests.set(containerId, why);
    this.queue.add(uid);
  }

  get podCount(): number {
    return this.states.size;
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    const informing = this.informer.start(signal);
    await this.informer.waitForSync(signal).catch(() => undefined);
    await this.relist(signal).catch((err: unknown) => this.ctx.log(`relist: ${(err as Error).message}`));
    for (const uid of this.runtime.keys()) this.queue.add(uid);
    const pleg = (async () => {
      while (!signal.aborted) {
        await new Promise((r) => setTimeout(r, 1_000));
        if (signal.aborted) break;
        await this.relist(signal).catch((err: unknown) => {
          if (!signal.aborted) this.ctx.log(`relist: ${(err as Error).message}`);
        });
      }
    })();
    await runWorkers(
      this.queue,
      POD_WORKERS,
      async (uid) => {
        this.syncing.add(uid);
        try {
          await this.sync(uid, signal);
        } finally {
          this.syncing.delete(uid);
        }
      },
      (uid, err) => {
        if (!isConflict(err) && !signal.aborted) this.ctx.log(`pod ${uid}: ${(err as Error).message}`);
      },
    );
    await Promise.all([informing, pleg]);
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const sel = { label_selector: { [MANAGED]: 'true' } };
    const [sandboxes, containers] = await Promise.all([
      this.ctx.cri.listPodSandbox(sel, callOpts(signal, 10_000)),
      this.ctx.cri.listContainers(sel, callOpts(signal, 10_000)),
    ]);
    const next = groupByPod(sandboxes, containers);
    const prints = new Map<string, string>();
    for (const [uid, v] of next) {
      const f = fingerprint(v);
      const before = this.prints.get(uid);
      if (before !== f && this.syncing.has(uid)) {
        // The sync under way looks at the runtime itself and records what it saw when it
        // ends; a change it missed still differs from that at the next relist.
        if (before !== undefined) prints.set(uid, before);
        continue;
      }
      prints.set(uid, f);
      if (before !== f) this.queue.add(uid);
    }
    for (const uid of this.prints.keys()) if (!prints.has(uid)) this.queue.add(uid);
    this.runtime = next;
    this.prints = prints;
    this.relisted = true;
  }

  private podByUid(uid: string): KObject | undefined {
    return (
      this.statics?.get(uid) ??
      this.informer.cache.byIndex(UID_INDEX, uid).find((p) => mirrorHash(p) === undefined)
    );
  }

  private async sync(uid: string, signal: AbortSignal): Promise<void> {
    if (!uid) return;
    const pod = this.podByUid(uid);
    // A pod this kubelet never synced and no relist found holds nothing in the runtime:
    // only its own syncs make sandboxes, and a relist since start saw what came before.
    const unseen = pod !== undefined && this.relisted && !this.states.has(uid) && !this.runtime.has(uid);
    // Admission happens before the first await, so no other first sync runs in between.
    if (pod && unseen) this.admit(uid, pod);
    if (pod && this.rejected.has(uid)) return this.syncRejected(uid, pod);
    const view = unseen ? undefined : await this.syncer.relistPod(uid, signal);
    if (!pod) {
      // A refused pod made nothing: there is nothing to remove.
      if (view || (this.states.has(uid) && !this.rejected.has(uid))) {
        await removePod(this.ctx, uid, view, undefined, signal);
        this.syncer.forget(view);
      }
      this.states.delete(uid);
      this.rejected.delete(uid);
      return;
    }
    let state = this.states.get(uid);
    if (!state) {
      const started = Date.parse(String((pod['status'] as Obj | undefined)?.['startTime'] ?? ''));
      state = new PodState(Number.isNaN(started) ? Date.now() : started);
      this.states.set(uid, state);
    }
    const res = await this.syncer.sync(pod, view, state, signal);
    // Lookups (logs, exec) see what this sync made before its status says Ready.
    // The relist then sees a change only when the runtime moved on since this sync.
    if (res.view) {
      this.runtime.set(uid, res.view);
      this.prints.set(uid, fingerprint(res.view));
    }
    const target = this.statusTarget(pod);
    if (target) await this.writeStatus(target, state, res.status);
    if (res.deleteFromApi) {
      try {
        await this.api.delete(pod.metadata?.namespace, pod.metadata?.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid },
        });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    this.queue.addAfter(uid, res.requeueAfterMs);
  }

  /** The pods admitted so far that are still alive (the pod `except` left out). */
  private admittedPods(except: string): KObject[] {
    const out: KObject[] = [];
    for (const [uid, state] of this.states) {
      if (uid === except || state.terminal || this.rejected.has(uid)) continue;
      const p = this.podByUid(uid);
      if (p && !finished(p)) out.push(p);
    }
    return out;
  }

  /**
   * Runs the admit handlers over a pod met for the first time and records the outcome:
   * a state for an admitted pod, a terminal state and a rejection for a refused one.
   */
  private admit(uid: string, pod: KObject): void {
    if (this.statics?.get(uid) || !awaitsAdmission(pod)) return;
    const refusal = canAdmitPod(this.admitHandlers, pod, this.admittedPods(uid));
    const state = new PodState(Date.now());
    this.states.set(uid, state);
    if (!refusal) return;
    this.ctx.log(`pod ${pod.metadata?.namespace}/${pod.metadata?.name} rejected: ${refusal.message}`);
    this.ctx.events(pod, 'Warning', refusal.reason, refusal.message);
    state.terminal = { phase: 'Failed', reason: refusal.reason, message: refusal.message };
    this.rejected.set(uid, rejectedStatus(pod, refusal, rfc3339(Date.now())));
  }

  /** A refused pod: its Failed status is written; once it is being deleted, it goes. */
  private async syncRejected(uid: string, pod: KObject): Promise<void> {
    const state = this.states.get(uid);
    const status = this.rejected.get(uid);
    if (!state || !status) return;
    if (pod.metadata?.deletionTimestamp) {
      try {
        await this.api.delete(pod.metadata.namespace, pod.metadata.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid },
        });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    const { conditions, ...rest } = status;
    // Conditions others wrote since stay as they are.
    const current = (pod['status'] as Obj | undefined)?.['conditions'] ?? conditions;
    await this.writeStatus(pod, state, { ...rest, ...(current ? { conditions: current } : {}) });
  }

  private async writeStatus(pod: KObject, state: PodState, status: Obj): Promise<void> {
    const rv = pod.metadata?.resourceVersion ?? '';
    const current = state.written && state.written.over === rv ? state.written.status : pod['status'];
    if (deepEqual(current, status)) return;
    try {
      const out = await this.api.updateStatus({ ...pod, apiVersion: 'v1', kind: 'Pod', status });
      state.written = { over: out.metadata?.resourceVersion ?? rv, status };
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  /** Where a pod's status goes: the pod, or a static pod's mirror pod (none yet: nowhere). */
  private statusTarget(pod: KObject): KObject | undefined {
    const uid = pod.metadata?.uid ?? '';
    if (!this.statics?.get(uid)) return pod;
    const mirror = this.informer.cache.getByName(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    return mirror && mirrorHash(mirror) === uid && !mirror.metadata?.deletionTimestamp ? mirror : undefined;
  }

  // ---- PodLookup ----

  private byName(namespace: string, name: string): KObject | undefined {
    const p = this.informer.cache.getByName(namespace, name);
    return this.statics?.byName(namespace, name) ?? (p && mirrorHash(p) === undefined ? p : undefined);
  }

  container(
    namespace: string,
    pod: string,
    container: string,
    previous: boolean,
  ): ContainerRef | LookupError {
    const p = this.byName(namespace, pod);
    if (!p) return { code: 404, message: `pod ${namespace}/${pod} not found on this node` };
    const list = this.runtime.get(p.metadata?.uid ?? '')?.containers.get(container) ?? [];
    const c = previous ? list[1] : list[0];
    if (!c) {
      if (previous)
        return {
          code: 400,
          message: `previous terminated container "${container}" in pod "${pod}" not found`,
        };
      return {
        code: 400,
        message: `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`,
      };
    }
    const logPath = `${podLogDir(this.ctx.logsDir, p)}/${container}/${c.metadata?.attempt ?? 0}.log`;
    return { containerId: c.id, logPath, running: c.state === 'CONTAINER_RUNNING' };
  }

  sandbox(namespace: string, pod: string): { sandboxId: string; podIP: string } | LookupError {
    const p = this.byName(namespace, pod);
    if (!p) return { code: 404, message: `pod ${namespace}/${pod} not found on this node` };
    const uid = p.metadata?.uid ?? '';
    const sb = this.runtime.get(uid)?.sandboxes.find((s) => s.state === 'SANDBOX_READY');
    if (!sb) return { code: 400, message: `pod ${pod} has no running sandbox` };
    return { sandboxId: sb.id, podIP: this.states.get(uid)?.sandboxIPs.get(sb.id) ?? '' };
  }

  /**
   * Node-pressure eviction: stops the pod's containers within `graceS` seconds and makes
   * the pod Failed for good with `reason` and `message`, adding `condition` (its
   * DisruptionTarget) to its status. False when the pod is not on this node, is being
   * deleted or has finished already.
   */
  async evict(
    uid: string,
    e: { reason: string; message: string; graceS: number; condition: Obj },
    signal: AbortSignal,
  ): Promise<boolean> {
    let pod = this.podByUid(uid);
    if (!pod || pod.metadata?.deletionTimestamp || this.states.get(uid)?.terminal) return false;
    const state = this.states.get(uid) ?? new PodState(Date.now());
    this.states.set(uid, state);
    state.terminal = { phase: 'Failed', reason: e.reason, message: e.message };
    // The terminal path of a sync stops everything with the pod's grace period: this one.
    const spec = { ...(pod['spec'] as Obj | undefined), terminationGracePeriodSeconds: e.graceS };
    const view = await this.syncer.relistPod(uid, signal);
    const res = await this.syncer.sync({ ...pod, spec }, view, state, signal);
    const conds = ((res.status['conditions'] as Obj[] | undefined) ?? []).filter(
      (c) => c['type'] !== e.condition['type'],
    );
    const status = { ...res.status, conditions: [...conds, e.condition] };
    for (let attempt = 0; attempt < 5 && pod; attempt++) {
      try {
        await this.writeStatus(pod, state, status);
        break;
      } catch (err) {
        if (!isConflict(err)) throw err;
        const fresh: KObject | undefined = await this.api
          .get(pod.metadata?.namespace, pod.metadata?.name ?? '')
          .catch(() => undefined);
        pod = fresh;
      }
    }
    this.queue.add(uid);
    return true;
  }
}
