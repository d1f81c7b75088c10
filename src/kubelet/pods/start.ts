/**
 * Starting one container instance in a ready sandbox: image by pull policy, environment,
 * mounts (volumes, the managed /etc/hosts, the termination message file), the
 * runAsNonRoot check, CreateContainer and StartContainer with their Events (Created,
 * Started; Failed with the reason), then the postStart hook (a failing hook kills the
 * container: FailedPostStartHook). Failures before the container exists become the
 * container's waiting reason.
 */
import type { KObject } from '../../registry/types.js';
import type { Mount, PodSandboxConfig } from '../cri/types.js';
import { checkNonRoot, containerConfig } from './container-config.js';
import { callOpts, type PodContext } from './context.js';
import { ContainerWaitingError, type Obj, type PodVolumes } from './deps.js';
import { terminationFile } from './files.js';
import { runHook } from './hooks.js';
import type { PodState } from './pod-state.js';

export interface StartRequest {
  pod: KObject;
  container: Obj;
  attempt: number;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  volumes: PodVolumes;
  hostsFile?: string;
  podIP: string;
  state: PodState;
}

/** Returns the new container's id, or undefined when it is waiting (reason recorded in state). */
export async function startContainer(
  ctx: PodContext,
  r: StartRequest,
  signal: AbortSignal,
): Promise<string | undefined> {
  const name = String(r.container['name']);
  const { pod, container } = r;
  let id: string | undefined;
  try {
    const imageRef = await ctx.images.ensureImage(pod, container, signal);
    const withIPs: KObject = {
      ...pod,
      status: {
        ...((pod['status'] as Obj | undefined) ?? {}),
        podIP: r.podIP,
        podIPs: r.podIP ? [{ ip: r.podIP }] : [],
        hostIP: ctx.hostIP,
        hostIPs: [{ ip: ctx.hostIP }],
      },
    };
    const env = await ctx.env.resolve(withIPs, container, signal);
    const user = await ctx.images.imageUser(imageRef, signal);
    checkNonRoot(pod, container, user.uid, user.username);
    const mounts: Mount[] = ctx.volumes.mounts(pod, container, r.volumes);
    const taken = new Set(mounts.map((m) => m.container_path));
    if (r.hostsFile && !taken.has('/etc/hosts'))
      mounts.push({ container_path: '/etc/hosts', host_path: r.hostsFile });
    const msgPath = String(container['terminationMessagePath'] ?? '/dev/termination-log');
    if (!taken.has(msgPath)) {
      const file = await terminationFile(ctx.podsDir, pod.metadata?.uid ?? '', name, r.attempt);
      mounts.push({ container_path: msgPath, host_path: file });
    }
    const config = containerConfig(pod, container, {
      imageRef,
      image: String(container['image'] ?? ''),
      env,
      mounts,
      attempt: r.attempt,
      memoryCapacity: ctx.memoryCapacity,
    });
    try {
      id = await ctx.cri.createContainer(r.sandboxId, config, r.sandboxConfig, callOpts(signal));
    } catch (err) {
      throw new ContainerWaitingError('CreateContainerError', (err as Error).message);
    }
    ctx.events(pod, 'Normal', 'Created', `Created container ${name}`);
    try {
      await ctx.cri.startContainer(id, callOpts(signal));
    } catch (err) {
      throw new ContainerWaitingError('RunContainerError', (err as Error).message);
    }
    ctx.events(pod, 'Normal', 'Started', `Started container ${name}`);
  } catch (err) {
    if (!(err instanceof ContainerWaitingError)) throw err;
    r.state.waiting.set(name, { reason: err.reason, message: err.message });
    if (
      err.reason !== 'ImagePullBackOff' &&
      err.reason !== 'ErrImagePull' &&
      err.reason !== 'ErrImageNeverPull'
    )
      ctx.events(pod, 'Warning', 'Failed', `Error: ${err.message}`);
    return id;
  }
  r.state.waiting.delete(name);
  const postStart = (container['lifecycle'] as Obj | undefined)?.['postStart'] as Obj | undefined;
  if (postStart) {
    const problem = await runHook(ctx.cri, postStart, container, id, r.podIP, 30_000);
    if (problem) {
      ctx.events(pod, 'Warning', 'FailedPostStartHook', problem);
      r.state.killedByKubelet.add(id);
      await ctx.cri.stopContainer(id, 0, callOpts(signal)).catch(() => undefined);
    }
  }
  return id;
}
