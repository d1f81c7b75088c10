/**
 * A container's CRI mounts from its volumeMounts, as the kubelet makes them: the volume's
 * host path (or a subPath / expanded subPathExpr inside it, created with the volume's
 * mode when missing and checked not to leave the volume through a symlink), read-only when
 * the mount or the volume says so, and the mount propagation. Errors are
 * CreateContainerConfigError with upstream's messages. Not /etc/hosts and the other
 * files the pod worker adds.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KObject } from '../../registry/types.js';
import type { KeyValue, Mount, MountPropagation } from '../cri/types.js';
import { ContainerWaitingError, type Obj, type PodVolumes } from '../pods/deps.js';
import { recalledEnv } from './env-memo.js';
import { expand, mappingFor } from './expansion.js';
import { podFieldValue } from './fieldpath.js';

function configError(message: string): ContainerWaitingError {
  return new ContainerWaitingError('CreateContainerConfigError', message);
}

const PROPAGATION: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** The variables available without fetching: literal values and pod fields, in order. */
function localEnv(pod: KObject, container: Obj): KeyValue[] {
  const vars = new Map<string, string>();
  for (const e of (container['env'] ?? []) as Obj[]) {
    const name = String(e['name'] ?? '');
    const fieldRef = (e['valueFrom'] as Obj | undefined)?.['fieldRef'] as Obj | undefined;
    if (typeof e['value'] === 'string' && e['value'] !== '')
      vars.set(name, expand(e['value'], mappingFor(vars)));
    else if (fieldRef) {
      try {
        vars.set(name, podFieldValue(pod, String(fieldRef['fieldPath'] ?? '')));
      } catch {
        // An unsupported field leaves the variable unset.
      }
    } else if (!e['valueFrom']) vars.set(name, '');
  }
  return [...vars].map(([key, value]) => ({ key, value }));
}

/** subPathExpr expanded; every variable it names must have a non-empty value. */
export function expandSubPathExpr(expr: string, env: KeyValue[]): string {
  const vars = new Map(env.map((kv) => [kv.key, kv.value]));
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const v = vars.get(name);
    if (v === undefined || v === '') missing.add(name);
    return v ?? '';
  });
  if (missing.size > 0) throw configError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !rel.startsWith('/'));
}

/** `volumePath/subPath`, made (with the volume's mode) if missing, and resolved within the volume. */
function prepareSubPath(
  volumePath: string,
  subPath: string,
  mountName: string,
  containerName: string,
): string {
  const root = realpathSync(volumePath);
  const mode = statSync(root).mode & 0o7777;
  let cur = root;
  try {
    for (const part of subPath.split('/').filter((p) => p !== '' && p !== '.')) {
      const next = join(cur, part);
      const made = !existsSync(next) && !lstatSync(next, { throwIfNoEntry: false });
      if (made) mkdirSync(next, { mode });
      cur = realpathSync(next);
      if (!inside(root, cur)) throw new Error('outside the volume');
      // The umask must not narrow the volume's mode (a non-root container may need to write).
      if (made) chmodSync(cur, mode);
    }
  } catch {
    throw configError(
      `failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`,
    );
  }
  return cur;
}

export function containerMounts(pod: KObject, container: Obj, volumes: PodVolumes): Mount[] {
  const containerName = String(container['name'] ?? '');
  const out: Mount[] = [];
  for (const vm of (container['volumeMounts'] ?? []) as Obj[]) {
    const name = String(vm['name'] ?? '');
    const vol = volumes.paths.get(name);
    if (!vol) throw configError(`cannot find volume "${name}" to mount into container "${containerName}"`);
    let subPath = typeof vm['subPath'] === 'string' ? vm['subPath'] : '';
    if (typeof vm['subPathExpr'] === 'string' && vm['subPathExpr'] !== '') {
      subPath = expandSubPathExpr(vm['subPathExpr'], recalledEnv(container) ?? localEnv(pod, container));
    }
    let hostPath = vol.hostPath;
    if (subPath !== '') {
      if (subPath.startsWith('/'))
        throw configError(`error SubPath \`${subPath}\` must not be an absolute path`);
      if (subPath.split('/').includes('..')) {
        throw configError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
      }
      hostPath = prepareSubPath(vol.hostPath, subPath, name, containerName);
    }
    const mode = vm['mountPropagation'];
    let propagation: MountPropagation = 'PROPAGATION_PRIVATE';
    if (mode !== undefined && mode !== null) {
      const p = PROPAGATION[String(mode)];
      if (!p) throw configError(`invalid MountPropagation mode: "${String(mode)}"`);
      propagation = p;
    }
    out.push({
      container_path: String(vm['mountPath'] ?? ''),
      host_path: hostPath,
      readonly: vm['readOnly'] === true || vol.readOnly,
      propagation,
    });
  }
  return out;
}
