/**
 * Stopping and removing what runs for a pod: one container (Killing event, preStop hook
 * within the grace period, then StopContainer with what is left of it, at least 2 s as
 * upstream), all of a pod's containers (preStop hooks at once; regular containers stop
 * first, then sidecars in reverse spec order, each waiting at most its grace period for
 * its turn), its sandboxes, and finally removing every runtime object, volume and file
 * the pod had.
 */
import { rm } from 'node:fs/promises';
import type { KObject } from '../../registry/types.js';
import { callOpts, type PodContext } from './context.js';
import type { Obj } from './deps.js';
import { podDir } from './files.js';
import { runHook } from './hooks.js';
import type { PodState } from './pod-state.js';
import type { PodRuntimeView } from './runtime-view.js';
import { podLogDir } from './sandbox-config.js';
import { terminationWaits } from './sidecars.js';

const MIN_GRACE_S = 2;

function containerSpec(pod: KObject | undefined, name: string): Obj | undefined {
  const spec = (pod?.['spec'] as Obj | undefined) ?? {};
  const all = [
    ...((spec['initContainers'] as Obj[] | undefined) ?? []),
    ...((spec['containers'] as Obj[] | undefined) ?? []),
  ];
  return all.find((c) => c['name'] === name);
}

export async function killContainer(
  ctx: PodContext,
  pod: KObject | undefined,
  name: string,
  id: string,
  graceS: number,
  podIP: string,
  state: PodState | undefined,
  reason: string | undefined,
  signal: AbortSignal,
  /** Resolves when this container may stop (termination order); waited for at most graceS. */
  turn?: Promise<void>,
): Promise<void> {
  state?.killedByKubelet.add(id);
  const started = Date.now();
  const spec = containerSpec(pod, name);
  if (pod) ctx.events(pod, 'Normal', 'Killing', reason ?? `Stopping container ${name}`);
  const preStop = (spec?.['lifecycle'] as Obj | undefined)?.['preStop'] as Obj | undefined;
  if (preStop && spec && graceS > 0) {
    const problem = await runHook(ctx.cri, preStop, spec, id, podIP, graceS * 1000);
    if (problem && pod) ctx.events(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${problem}`);
  }
  if (turn) await waitAtMost(turn, graceS * 1000 - (Date.now() - started), signal);
  const left = Math.max(MIN_GRACE_S, Math.ceil(graceS - (Date.now() - started) / 1000));
  await ctx.cri
    .stopContainer(id, graceS <= 0 ? 0 : left, callOpts(signal, (left + 30) * 1000))
    .catch((err: unknown) => {
      ctx.log(`stop container ${name} (${id.slice(0, 12)}): ${(err as Error).message}`);
    });
}

async function waitAtMost(p: Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  await Promise.race([
    p,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (onAbort) signal.removeEventListener('abort', onAbort);
}

/**
 * Stops the given containers of a pod concurrently in termination order: regular ones at
 * once, each sidecar after the regular ones and the sidecars after it have stopped.
 */
export async function killContainers(
  ctx: PodContext,
  pod: KObject | undefined,
  targets: { name: string; id: string }[],
  graceS: number,
  podIP: string,
  state: PodState | undefined,
  signal: AbortSignal,
): Promise<void> {
  const spec = (pod?.['spec'] as Obj | undefined) ?? {};
  const waits = terminationWaits(
    spec,
    targets.map((t) => t.name),
  );
  const done = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  for (const t of targets) {
    if (done.has(t.name)) continue;
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    done.set(t.name, { promise, resolve });
  }
  const stops = targets.map(async (t) => {
    const before = (waits.get(t.name) ?? []).map((n) => done.get(n)?.promise ?? Promise.resolve());
    const turn = before.length > 0 ? Promise.all(before).then(() => undefined) : undefined;
    try {
      await killContainer(ctx, pod, t.name, t.id, graceS, podIP, state, undefined, signal, turn);
    } finally {
      done.get(t.name)?.resolve();
    }
  });
  await Promise.all(stops);
}

/** Stops every running container of the pod (in termination order), then its sandboxes. */
export async function killPod(
  ctx: PodContext,
  pod: KObject | undefined,
  view: PodRuntimeView | undefined,
  graceS: number,
  state: PodState | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (!view) return;
  const podIP = view.sandboxes[0] ? (state?.sandboxIPs.get(view.sandboxes[0].id) ?? '') : '';
  const targets: { name: string; id: string }[] = [];
  for (const [name, list] of view.containers) {
    for (const c of list) {
      if (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED')
        targets.push({ name, id: c.id });
    }
  }
  await killContainers(ctx, pod, targets, graceS, podIP, state, signal);
  for (const s of view.sandboxes)
    if (s.state === 'SANDBOX_READY')
      await ctx.cri.stopPodSandbox(s.id, callOpts(signal)).catch((err: unknown) => {
        ctx.log(`stop sandbox ${s.id.slice(0, 12)}: ${(err as Error).message}`);
      });
}

/** Removes every container and sandbox of the pod, its volumes, its files and its logs. */
export async function removePod(
  ctx: PodContext,
  uid: string,
  view: PodRuntimeView | undefined,
  pod: KObject | undefined,
  signal: AbortSignal,
): Promise<void> {
  ctx.probes.removePod(uid);
  for (const list of view?.containers.values() ?? [])
    for (const c of list) await ctx.cri.removeContainer(c.id, callOpts(signal)).catch(() => undefined);
  for (const s of view?.sandboxes ?? []) {
    await ctx.cri.stopPodSandbox(s.id, callOpts(signal)).catch(() => undefined);
    await ctx.cri.removePodSandbox(s.id, callOpts(signal)).catch(() => undefined);
  }
  await ctx.volumes
    .tearDown(uid)
    .catch((err: unknown) => ctx.log(`tear down volumes of ${uid}: ${(err as Error).message}`));
  await rm(podDir(ctx.podsDir, uid), { recursive: true, force: true }).catch(() => undefined);
  const s = view?.sandboxes[0];
  const m = s?.metadata;
  const logPod: KObject | undefined =
    pod ?? (m ? { metadata: { name: m.name, namespace: m.namespace, uid } } : undefined);
  if (logPod)
    await rm(podLogDir(ctx.logsDir, logPod), { recursive: true, force: true }).catch(() => undefined);
}
