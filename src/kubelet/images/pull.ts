/**
 * One image pull through CRI, as the kubelet's puller does it: the credentials to try (the
 * pod's pull Secrets that match the registry, then the node's own from the registries
 * file), each in turn until one works, anonymous when there are none; then the size of
 * what was pulled. Failures keep the runtime's words (`rpc error: code = NotFound desc =
 * ...`, or the bare message when the code is Unknown). It records no events and keeps no
 * back-off (./service.ts does).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { KObject } from '../../registry/types.js';
import { CriError } from '../cri/call.js';
import type { CriClient } from '../cri/client.js';
import type { AuthConfig, ImageSpec } from '../cri/types.js';
import type { ObjectSource } from '../pods/deps.js';
import { keyringFromSecrets, lookupCredentials } from './keyring.js';

/** What the image service needs of the runtime. */
export type ImageCri = Pick<CriClient, 'imageStatus' | 'pullImage'>;

/** Go's names of gRPC codes, as `rpc error: code = X` prints them. */
function goCodeName(code: number): string {
  if (code === GrpcStatus.CANCELLED) return 'Canceled';
  const name = GrpcStatus[code];
  if (name === undefined) return `Code(${code})`;
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** An error's text as the kubelet shows a runtime error. */
export function runtimeMessage(err: unknown): string {
  if (err instanceof CriError) {
    if (err.code === GrpcStatus.UNKNOWN) return err.details;
    return `rpc error: code = ${goCodeName(err.code)} desc = ${err.details}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export interface PullSecrets {
  secrets: KObject[];
  /** Names of pull Secrets that could not be read. */
  missing: string[];
}

/** Reads the pod's imagePullSecrets; an unreadable one is listed in `missing`, not thrown. */
export async function readPullSecrets(
  objects: ObjectSource,
  pod: KObject,
  signal: AbortSignal,
): Promise<PullSecrets> {
  const spec = (pod['spec'] ?? {}) as { imagePullSecrets?: { name?: string }[] };
  const out: PullSecrets = { secrets: [], missing: [] };
  for (const ref of spec.imagePullSecrets ?? []) {
    const name = ref?.name;
    if (!name) continue;
    let secret: KObject | undefined;
    try {
      secret = await objects.get('secrets', pod.metadata?.namespace, name, signal);
    } catch (err) {
      if (signal.aborted) throw err;
    }
    if (secret) out.secrets.push(secret);
    else out.missing.push(name);
  }
  return out;
}

/**
 * The credentials to try for `repo` (`domain/path`), in order: matching pull Secrets,
 * then the node's own for the registry. Throws KeyringError for a malformed Secret.
 */
export function credentialsFor(
  secrets: readonly KObject[],
  repo: string,
  domain: string,
  registryAuth?: (host: string) => AuthConfig | undefined,
): AuthConfig[] {
  const creds = lookupCredentials(keyringFromSecrets(secrets), repo);
  const node = registryAuth?.(domain);
  if (node) creds.push(node);
  return creds;
}

export interface PullOutcome {
  imageRef: string;
  /** How long the runtime's pull took (ms). */
  pullMs: number;
  /** Bytes, as the runtime reports the image's size. */
  size: number;
}

/**
 * Pulls `spec` trying each credential in turn (anonymously when there are none). When all
 * fail, throws an Error whose message is the one failure's, or `[a, b]` for several.
 */
export async function pullWithCredentials(
  cri: ImageCri,
  spec: ImageSpec,
  creds: readonly AuthConfig[],
  signal: AbortSignal,
  now: () => number,
): Promise<PullOutcome> {
  const start = now();
  const attempts: (AuthConfig | undefined)[] = creds.length > 0 ? [...creds] : [undefined];
  const failures: string[] = [];
  for (const auth of attempts) {
    let imageRef: string;
    try {
      imageRef = await cri.pullImage(spec, { signal }, auth);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      failures.push(runtimeMessage(err));
      continue;
    }
    const pullMs = now() - start;
    const status = await cri.imageStatus({ image: imageRef }, { signal }).catch(() => null);
    return { imageRef, pullMs, size: Number(status?.size ?? 0) };
  }
  throw new Error(failures.length === 1 ? failures[0] : `[${failures.join(', ')}]`);
}
