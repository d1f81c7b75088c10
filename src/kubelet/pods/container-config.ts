/**
 * The CRI configuration of one container instance: metadata (attempt = restart count),
 * image, command and args (Kubernetes `command` replaces the entrypoint, `args` the
 * image's cmd), working directory, environment, mounts, log path, stdin/tty, labels and
 * annotations that map it back to its pod, Linux resources and the effective security
 * context (the container's over the pod's), and the runAsNonRoot check. Pure.
 */
import type { KObject } from '../../registry/types.js';
import type { ContainerConfig, KeyValue, LinuxContainerSecurityContext, Mount } from '../cri/types.js';
import { ContainerWaitingError } from './deps.js';
import {
  containerLabels,
  GRACE_PERIOD,
  RESTART_COUNT,
  TERMINATION_MESSAGE_PATH,
  TERMINATION_MESSAGE_POLICY,
} from './labels.js';
import { linuxResources } from './quantities.js';
import { namespaceOptions, spec } from './sandbox-config.js';

type Obj = Record<string, unknown>;

export interface ContainerInputs {
  imageRef: string;
  /** The image name as the pod spec gives it. */
  image: string;
  env: KeyValue[];
  mounts: Mount[];
  attempt: number;
  memoryCapacity: number;
}

/** The container's security context field, else the pod's. */
export function effective(pod: KObject, container: Obj, field: string): unknown {
  const c = (container['securityContext'] as Obj | undefined)?.[field];
  if (c !== undefined) return c;
  return (spec(pod)['securityContext'] as Obj | undefined)?.[field];
}

function securityContext(pod: KObject, container: Obj): LinuxContainerSecurityContext {
  const sc = (container['securityContext'] as Obj | undefined) ?? {};
  const caps = (sc['capabilities'] as Obj | undefined) ?? {};
  const runAsUser = effective(pod, container, 'runAsUser');
  const runAsGroup = effective(pod, container, 'runAsGroup');
  const podSc = (spec(pod)['securityContext'] as Obj | undefined) ?? {};
  const out: LinuxContainerSecurityContext = {
    namespace_options: namespaceOptions(pod),
    privileged: sc['privileged'] === true,
    readonly_rootfs: sc['readOnlyRootFilesystem'] === true,
    no_new_privs: sc['allowPrivilegeEscalation'] === false,
    capabilities: {
      add_capabilities: ((caps['add'] as string[] | undefined) ?? []).map(String),
      drop_capabilities: ((caps['drop'] as string[] | undefined) ?? []).map(String),
    },
    supplemental_groups: ((podSc['supplementalGroups'] as number[] | undefined) ?? []).map(Number),
  };
  if (runAsUser !== undefined) out.run_as_user = { value: Number(runAsUser) };
  if (runAsGroup !== undefined) out.run_as_group = { value: Number(runAsGroup) };
  return out;
}

/**
 * Refuses a container that must not run as root but would: runAsNonRoot with
 * runAsUser 0, or without runAsUser when the image runs as root (uid 0 or unset).
 */
export function checkNonRoot(
  pod: KObject,
  container: Obj,
  imageUid: number | undefined,
  imageUser: string,
): void {
  if (effective(pod, container, 'runAsNonRoot') !== true) return;
  const podRef = `pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${container['name']}`;
  const uid = effective(pod, container, 'runAsUser');
  if (uid !== undefined) {
    if (Number(uid) === 0)
      throw new ContainerWaitingError(
        'CreateContainerConfigError',
        `container's runAsUser breaks non-root policy (${podRef})`,
      );
    return;
  }
  if (imageUid === undefined && imageUser !== '' && !/^\d+$/.test(imageUser))
    throw new ContainerWaitingError(
      'CreateContainerConfigError',
      `container has runAsNonRoot and image has non-numeric user (${imageUser}), cannot verify user is non-root (${podRef})`,
    );
  if ((imageUid ?? Number(imageUser || '0')) === 0)
    throw new ContainerWaitingError(
      'CreateContainerConfigError',
      `container has runAsNonRoot and image will run as root (${podRef})`,
    );
}

export function containerConfig(pod: KObject, container: Obj, inputs: ContainerInputs): ContainerConfig {
  const name = String(container['name']);
  const grace = spec(pod)['terminationGracePeriodSeconds'];
  return {
    metadata: { name, attempt: inputs.attempt },
    image: { image: inputs.imageRef, user_specified_image: inputs.image },
    command: ((container['command'] as string[] | undefined) ?? []).map(String),
    args: ((container['args'] as string[] | undefined) ?? []).map(String),
    working_dir: String(container['workingDir'] ?? ''),
    envs: inputs.env,
    mounts: inputs.mounts,
    labels: containerLabels(pod, name),
    annotations: {
      [RESTART_COUNT]: String(inputs.attempt),
      [TERMINATION_MESSAGE_PATH]: String(container['terminationMessagePath'] ?? '/dev/termination-log'),
      [TERMINATION_MESSAGE_POLICY]: String(container['terminationMessagePolicy'] ?? 'File'),
      [GRACE_PERIOD]: String(grace ?? 30),
    },
    log_path: `${name}/${inputs.attempt}.log`,
    stdin: container['stdin'] === true,
    stdin_once: container['stdinOnce'] === true,
    tty: container['tty'] === true,
    linux: {
      resources: linuxResources(pod, container, inputs.memoryCapacity),
      security_context: securityContext(pod, container),
    },
  };
}
