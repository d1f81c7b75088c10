/**
 * One sync of one pod (upstream's SyncPod, level-triggered): given the pod as the API has
 * it and what the runtime holds, make the runtime match and return the status to write.
 * Deleted pods are stopped (preStop, grace period) and reported for final deletion;
 * terminal pods are stopped and never restarted; otherwise volumes are set up while a
 * sandbox is made ready (re-created when it died; a volume that fails leaves the sandbox
 * made and the containers waiting), init containers run one at a time in order
 * (a sidecar, restartPolicy Always, only has to start; it is kept running and restarted
 * whenever it exits), then app containers start, and exited containers restart by
 * restartPolicy under crash-loop back-off. When a non-Always pod's regular containers are
 * all done, its sidecars are stopped (in reverse order) and not restarted. Probe-requested
 * kills happen here too.
 */
import { mkdir } from 'node:fs/promises';
import type { KObject } from '../../registry/types.js';
import type { ContainerState, PodSandbox, PodSandboxConfig } from '../cri/types.js';
import { podRef } from '../pod-ref.js';
import { callOpts, type PodContext } from './context.js';
import { type Obj, type PodVolumes, VolumeSetupError } from './deps.js';
import { terminationMessage, writeHosts } from './files.js';
import { killContainer, killContainers, killPod } from './kill.js';
import { POD_UID } from './labels.js';
import { goDuration, type PodState } from './pod-state.js';
import { groupByPod, type Instance, instanceOf, type PodRuntimeView } from './runtime-view.js';
import { dnsConfig, podLogDir, sandboxConfig, spec } from './sandbox-config.js';
import { isSidecar, planInit, regularDone, type Seen } from './sidecars.js';
import { startContainer } from './start.js';
import { type ContainerView, podStatus } from './status.js';

export interface SyncResult {
  status: Obj;
  /** Look again after this long (back-off expiry, periodic refresh). */
  requeueAfterMs: number;
  /** The pod has stopped for deletion: delete it from the API (grace 0). */
  deleteFromApi?: boolean;
  /** What the runtime holds for the pod after this sync. */
  view?: PodRuntimeView;
}

const PERIODIC_MS = 10_000;

/** The current and previous instance of each container, by name. */
type Instances = Map<string, { current?: Instance; previous?: Instance }>;

export class PodSyncer {
  /** Finished instances never change: their status is kept by container id. */
  private readonly exited = new Map<string, Instance>();

  constructor(private readonly ctx: PodContext) {}

  async relistPod(uid: string, signal: AbortSignal): Promise<PodRuntimeView | undefined> {
    const sel = { label_selector: { [POD_UID]: uid } };
    const [sandboxes, containers] = await Promise.all([
      this.ctx.cri.listPodSandbox(sel, callOpts(signal)),
      this.ctx.cri.listContainers(sel, callOpts(signal)),
    ]);
    return groupByPod(sandboxes, containers).get(uid);
  }

  forget(view: PodRuntimeView | undefined): void {
    for (const list of view?.containers.values() ?? []) for (const c of list) this.exited.delete(c.id);
  }

  private async instance(
    id: string,
    state: ContainerState,
    signal: AbortSignal,
  ): Promise<Instance | undefined> {
    const known = this.exited.get(id);
    if (known) return known;
    const s = (await this.ctx.cri.containerStatus(id, callOpts(signal)).catch(() => undefined))?.status;
    if (!s) return undefined;
    const i = instanceOf(s);
    if (state === 'CONTAINER_EXITED' && i.state === 'CONTAINER_EXITED') this.exited.set(id, i);
    return i;
  }

  /** Current and previous instance of each container name. */
  private async instances(view: PodRuntimeView | undefined, signal: AbortSignal): Promise<Instances> {
    const out: Instances = new Map();
    for (const [name, list] of view?.containers ?? []) {
      const current = list[0] ? await this.instance(list[0].id, list[0].state, signal) : undefined;
      const previous = list[1] ? await this.instance(list[1].id, list[1].state, signal) : undefined;
      out.set(name, { ...(current ? { current } : {}), ...(previous ? { previous } : {}) });
    }
    return out;
  }

  private async views(
    pod: KObject,
    view: PodRuntimeView | undefined,
    state: PodState,
    signal: AbortSignal,
    known?: Instances,
  ) {
    const s = spec(pod);
    const uid = pod.metadata?.uid ?? '';
    const inst = known ?? (await this.instances(view, signal));
    const out: ContainerView[] = [];
    const all: [Obj, boolean][] = [
      ...((s['initContainers'] as Obj[] | undefined) ?? []).map((c): [Obj, boolean] => [c, true]),
      ...((s['containers'] as Obj[] | undefined) ?? []).map((c): [Obj, boolean] => [c, false]),
    ];
    for (const [c, init] of all) {
      const name = String(c['name']);
      const { current, previous } = inst.get(name) ?? {};
      for (const i of [current, previous]) {
        if (i?.state !== 'CONTAINER_EXITED' || state.messages.has(i.id)) continue;
        if (i.exitCode === 137 && i.reason !== 'OOMKilled' && !state.killedByKubelet.has(i.id)) {
          const limited = ((c['resources'] as Obj | undefined)?.['limits'] as Obj | undefined)?.['memory'];
          if (limited !== undefined) i.reason = 'OOMKilled';
        }
        const policy = String(c['terminationMessagePolicy'] ?? 'File');
        const logFile = `${podLogDir(this.ctx.logsDir, pod)}/${name}/${i.attempt}.log`;
        state.messages.set(
          i.id,
          await terminationMessage(this.ctx.podsDir, uid, name, i.attempt, policy, i.exitCode, logFile),
        );
      }
      const running = current?.state === 'CONTAINER_RUNNING';
      const waiting = state.waiting.get(name);
      const ready =
        init && !isSidecar(c)
          ? current?.state === 'CONTAINER_EXITED' && current.exitCode === 0
          : running && this.ctx.probes.isReady(uid, name, current.id);
      const started = running && this.ctx.probes.isStarted(uid, name, current.id);
      out.push({
        spec: c,
        init,
        ...(current ? { current } : {}),
        ...(previous ? { previous } : {}),
        ...(waiting && !running ? { waiting } : {}),
        ready,
        started,
        messages: state.messages,
      });
    }
    return out;
  }

  private async status(
    pod: KObject,
    view: PodRuntimeView | undefined,
    state: PodState,
    signal: AbortSignal,
    known?: Instances,
  ): Promise<Obj> {
    const containers = await this.views(pod, view, state, signal, known);
    const sb = view?.sandboxes[0];
    const podIP =
      spec(pod)['hostNetwork'] === true ? this.ctx.hostIP : sb ? state.sandboxIPs.get(sb.id) : undefined;
    return podStatus({
      pod,
      containers,
      hostIP: this.ctx.hostIP,
      ...(podIP ? { podIP } : {}),
      startTime: state.startTime,
      sandboxReady: sb?.state === 'SANDBOX_READY',
      now: Date.now(),
      ...(state.terminal ? { phase: state.terminal.phase } : {}),
      ...(state.terminal?.reason ? { reason: state.terminal.reason } : {}),
      ...(state.terminal?.message ? { message: state.terminal.message } : {}),
    });
  }

  private grace(pod: KObject): number {
    const d = pod.metadata?.deletionGracePeriodSeconds;
    if (typeof d === 'number') return d;
    return Number(spec(pod)['terminationGracePeriodSeconds'] ?? 30);
  }

  async sync(
    pod: KObject,
    view0: PodRuntimeView | undefined,
    state: PodState,
    signal: AbortSignal,
  ): Promise<SyncResult> {
    let view = view0;
    const uid = pod.metadata?.uid ?? '';
    const phase = (pod['status'] as Obj | undefined)?.['phase'];
    if (pod.metadata?.deletionTimestamp) {
      await killPod(this.ctx, pod, view, this.grace(pod), state, signal);
      view = await this.relistPod(uid, signal);
      this.ctx.probes.removePod(uid);
      return {
        status: await this.status(pod, view, state, signal),
        requeueAfterMs: PERIODIC_MS,
        deleteFromApi: true,
      };
    }
    if (!state.terminal && (phase === 'Succeeded' || phase === 'Failed')) state.terminal = { phase };
    if (state.terminal) {
      await killPod(this.ctx, pod, view, this.grace(pod), state, signal);
      this.ctx.probes.removePod(uid);
      view = await this.relistPod(uid, signal);
      return { status: await this.status(pod, view, state, signal), requeueAfterMs: 60_000 };
    }
    // Volumes are set up while the sandbox is made: neither needs the other. Both are
    // awaited before anything else happens (a sandbox still being made must never meet
    // the next sync of this pod).
    const [mounted, made] = await Promise.allSettled([
      this.setUpVolumes(pod, state, signal),
      this.readySandbox(pod, view, state, signal),
    ]);
    if (made.status === 'rejected') throw made.reason;
    if (mounted.status === 'rejected') throw mounted.reason;
    view = made.value.view;
    const volumes = mounted.value;
    const sb = made.value.sandbox;
    if (!volumes || !sb) {
      const requeueAfterMs = volumes ? 5_000 : 2_000;
      return {
        status: await this.status(pod, view, state, signal),
        requeueAfterMs,
        ...(view ? { view } : {}),
      };
    }
    const sandboxId = sb.id;
    const dns = dnsConfig(pod, this.ctx.dns).config;
    const sandboxCfg = sandboxConfig(
      pod,
      sb.metadata?.attempt ?? 0,
      this.ctx.logsDir,
      dns,
      this.ctx.hostname,
    );
    const hostNetwork = spec(pod)['hostNetwork'] === true;
    let hostsFile: string | undefined;
    let podIP = state.sandboxIPs.get(sandboxId);
    if (podIP === undefined) {
      const st = await this.ctx.cri.podSandboxStatus(sandboxId, callOpts(signal));
      podIP = hostNetwork ? this.ctx.hostIP : (st.status?.network?.ip ?? '');
      state.sandboxIPs.set(sandboxId, podIP);
    }
    if (!hostNetwork) {
      state.hosts = await writeHosts(this.ctx.podsDir, pod, podIP, this.ctx.dns.clusterDomain, state.hosts);
      hostsFile = state.hosts.path;
    }
    const inst = await this.instances(view, signal);
    const changed = await this.runContainers(
      pod,
      inst,
      state,
      { sandboxId, sandboxCfg, volumes, podIP, hostsFile },
      signal,
    );
    // Unchanged: the instances just read are the status's too.
    if (changed) view = await this.relistPod(uid, signal);
    const status = await this.status(pod, view, state, signal, changed ? undefined : inst);
    const ph = String(status['phase']);
    const running: { podUid: string; containerName: string; containerId: string; startedAt: number }[] = [];
    const probed = [
      ...((status['initContainerStatuses'] as Obj[] | undefined) ?? []),
      ...((status['containerStatuses'] as Obj[] | undefined) ?? []),
    ];
    for (const c of probed) {
      const r = (c['state'] as Obj | undefined)?.['running'] as Obj | undefined;
      const cid = String(c['containerID'] ?? '').replace('containerd://', '');
      if (r)
        running.push({
          podUid: uid,
          containerName: String(c['name']),
          containerId: cid,
          startedAt: Date.parse(String(r['startedAt'])),
        });
    }
    this.ctx.probes.sync(pod, podIP, running);
    if (ph === 'Succeeded' || ph === 'Failed') {
      state.terminal = { phase: ph };
      await killPod(this.ctx, pod, view, this.grace(pod), state, signal);
    }
    await this.collectGarbage(view, signal);
    return { status, requeueAfterMs: this.nextLook(state), ...(view ? { view } : {}) };
  }

  /** Sets up the pod's volumes; undefined (FailedMount recorded) when one failed. */
  private async setUpVolumes(
    pod: KObject,
    state: PodState,
    signal: AbortSignal,
  ): Promise<PodVolumes | undefined> {
    try {
      const volumes = await this.ctx.volumes.setUp(pod, signal);
      state.lastMountError = undefined;
      return volumes;
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      const msg = `MountVolume.SetUp failed for volume "${err.volume}" : ${err.message}`;
      if (msg !== state.lastMountError) this.ctx.events(pod, 'Warning', 'FailedMount', msg);
      state.lastMountError = msg;
      return undefined;
    }
  }

  /**
   * The pod's ready sandbox, made (or re-made after it died) when needed, with the view
   * of the runtime after that; no sandbox when making it failed (FailedCreatePodSandBox
   * recorded).
   */
  private async readySandbox(
    pod: KObject,
    view: PodRuntimeView | undefined,
    state: PodState,
    signal: AbortSignal,
  ): Promise<{ view: PodRuntimeView | undefined; sandbox?: PodSandbox }> {
    const old = view?.sandboxes[0];
    if (old?.state === 'SANDBOX_READY') return { view, sandbox: old };
    if (old) {
      this.ctx.events(
        pod,
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
      await killPod(this.ctx, pod, view, this.grace(pod), state, signal);
    }
    const attempt = old ? (old.metadata?.attempt ?? 0) + 1 : 0;
    const dns = dnsConfig(pod, this.ctx.dns);
    if (dns.fellBack && !state.dnsWarned) {
      state.dnsWarned = true;
      this.ctx.events(
        pod,
        'Warning',
        'MissingClusterDNS',
        `pod: "${podRef(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
      );
    }
    const cfg = sandboxConfig(pod, attempt, this.ctx.logsDir, dns.config, this.ctx.hostname);
    await mkdir(cfg.log_directory ?? this.ctx.logsDir, { recursive: true });
    let id: string;
    try {
      id = await this.ctx.cri.runPodSandbox(cfg, callOpts(signal, 120_000));
    } catch (err) {
      this.ctx.events(
        pod,
        'Warning',
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: ${(err as Error).message}`,
      );
      return { view };
    }
    const uid = pod.metadata?.uid ?? '';
    const st = (await this.ctx.cri.podSandboxStatus(id, callOpts(signal))).status;
    if (!st) throw new Error('sandbox vanished after creation');
    const hostNetwork = spec(pod)['hostNetwork'] === true;
    state.sandboxIPs.set(id, hostNetwork ? this.ctx.hostIP : (st.network?.ip ?? ''));
    const sandbox: PodSandbox = {
      id,
      metadata: st.metadata,
      state: st.state,
      created_at: st.created_at,
      labels: st.labels,
      annotations: st.annotations,
      runtime_handler: st.runtime_handler,
    };
    // A first sandbox: the runtime holds nothing else for the pod, so the view is known.
    // After a re-make the old instances changed state (killed): look again.
    if (!view || (view.sandboxes.length === 0 && view.containers.size === 0))
      return { view: { uid, sandboxes: [sandbox], containers: new Map() }, sandbox };
    const next = await this.relistPod(uid, signal);
    return { view: next, sandbox: next?.sandboxes.find((s) => s.id === id) ?? sandbox };
  }

  private nextLook(state: PodState): number {
    let at = PERIODIC_MS;
    const now = Date.now();
    for (const [name, b] of state.backoff) {
      if (state.waiting.get(name)?.reason !== 'CrashLoopBackOff') continue;
      at = Math.min(at, Math.max(50, b.lastUpdate + b.delayMs * this.ctx.backoffScale - now + 20));
    }
    for (const w of state.waiting.values()) if (w.reason !== 'CrashLoopBackOff') at = Math.min(at, 3_000);
    return at;
  }

  /** Removes instances older than the previous one of each container. */
  private async collectGarbage(view: PodRuntimeView | undefined, signal: AbortSignal): Promise<void> {
    for (const list of view?.containers.values() ?? [])
      for (const c of list.slice(2))
        if (c.state === 'CONTAINER_EXITED') {
          await this.ctx.cri.removeContainer(c.id, callOpts(signal)).catch(() => undefined);
          this.exited.delete(c.id);
        }
    for (const s of view?.sandboxes.slice(1) ?? [])
      if (s.state === 'SANDBOX_NOTREADY')
        await this.ctx.cri.removePodSandbox(s.id, callOpts(signal)).catch(() => undefined);
  }

  /** Starts, restarts or kills containers; true when it changed anything. */
  private async runContainers(
    pod: KObject,
    inst: Instances,
    state: PodState,
    sb: {
      sandboxId: string;
      sandboxCfg: PodSandboxConfig;
      volumes: PodVolumes;
      podIP: string;
      hostsFile: string | undefined;
    },
    signal: AbortSignal,
  ): Promise<boolean> {
    const s = spec(pod);
    const policy = String(s['restartPolicy'] ?? 'Always');
    const now = Date.now();
    const start = (c: Obj, attempt: number) =>
      startContainer(
        this.ctx,
        {
          pod,
          container: c,
          attempt,
          sandboxId: sb.sandboxId,
          sandboxConfig: sb.sandboxCfg,
          volumes: sb.volumes,
          podIP: sb.podIP,
          ...(sb.hostsFile ? { hostsFile: sb.hostsFile } : {}),
          state,
        },
        signal,
      );
    const blocked = (name: string): boolean => {
      const b = state.restartBlocked(name, now, this.ctx.backoffScale);
      if (!b) return false;
      const message = `back-off ${goDuration(b.delayMs)} restarting failed container=${name} pod=${podRef(pod)}`;
      state.waiting.set(name, { reason: 'CrashLoopBackOff', message });
      this.ctx.events(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${podRef(pod)}`,
      );
      return true;
    };
    const uid = pod.metadata?.uid ?? '';
    const inits = (s['initContainers'] as Obj[] | undefined) ?? [];
    const regular = (s['containers'] as Obj[] | undefined) ?? [];
    const seen = (name: string): Seen | undefined => {
      const cur = inst.get(name)?.current;
      if (!cur) return undefined;
      const state =
        cur.state === 'CONTAINER_RUNNING'
          ? 'running'
          : cur.state === 'CONTAINER_EXITED'
            ? 'exited'
            : 'created';
      const started = state === 'running' && this.ctx.probes.isStarted(uid, name, cur.id);
      return { state, exitCode: cur.exitCode, started };
    };
    const graceS = Number(s['terminationGracePeriodSeconds'] ?? 30);
    if (regularDone(regular, seen, policy)) {
      // The pod's work is done: stop its sidecars (last first) and restart none.
      const targets = inits
        .filter(isSidecar)
        .map((c) => ({ name: String(c['name']), id: inst.get(String(c['name']))?.current }))
        .filter((t) => t.id?.state === 'CONTAINER_RUNNING' || t.id?.state === 'CONTAINER_CREATED')
        .map((t) => ({ name: t.name, id: t.id?.id ?? '' }));
      if (targets.length === 0) return false;
      await killContainers(this.ctx, pod, targets, graceS, sb.podIP, state, signal);
      return true;
    }
    // A running container that a probe asked to kill (liveness, startup): killed here,
    // restarted by a later sync. True when it was killed.
    const killRequested = async (name: string, id: string): Promise<boolean> => {
      const why = state.killRequests.get(id);
      if (!why) return false;
      state.killRequests.delete(id);
      const message = `Container ${name} ${why}, will be restarted`;
      await killContainer(this.ctx, pod, name, id, graceS, sb.podIP, state, message, signal);
      return true;
    };
    const plan = planInit(inits, regular, seen, policy);
    let changed = false;
    for (const c of inits) {
      const name = String(c['name']);
      const cur = inst.get(name)?.current;
      if (!isSidecar(c) || cur?.state !== 'CONTAINER_RUNNING') continue;
      if (await killRequested(name, cur.id)) changed = true;
    }
    if (plan.failed) return changed;
    for (const i of plan.start) {
      const c = inits[i] ?? {};
      const name = String(c['name']);
      const cur = inst.get(name)?.current;
      if (cur?.state === 'CONTAINER_EXITED' || cur?.state === 'CONTAINER_RUNNING') {
        if (cur.state === 'CONTAINER_RUNNING' || blocked(name)) {
          // A regular init container that cannot start yet holds everything after it.
          if (!isSidecar(c)) return changed;
          continue;
        }
        await start(c, cur.attempt + 1);
      } else await start(c, cur ? cur.attempt + 1 : 0);
      changed = true;
    }
    if (!plan.initialized) return changed;
    for (const c of regular) {
      const name = String(c['name']);
      const cur = inst.get(name)?.current;
      if (cur?.state === 'CONTAINER_RUNNING') {
        if (await killRequested(name, cur.id)) changed = true;
        continue;
      }
      if (cur?.state === 'CONTAINER_EXITED') {
        const restart = policy === 'Always' || (policy === 'OnFailure' && cur.exitCode !== 0);
        if (!restart || blocked(name)) continue;
        await start(c, cur.attempt + 1);
        changed = true;
        continue;
      }
      await start(c, cur ? cur.attempt + 1 : 0);
      changed = true;
    }
    return changed;
  }
}
