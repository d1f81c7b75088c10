/**
 * Which container of a pod a pods/log, exec or attach request means: the one named, or
 * the only one; otherwise upstream's 400 BadRequest texts (logs list every container,
 * init containers first; exec/attach list the app containers and then the init ones).
 * The kubectl.kubernetes.io/default-container annotation is read by kubectl, which then
 * names the container; the API server does not use it. Pure: no I/O.
 */
import type { KObject } from '../../registry/types.js';
import { Errors } from '../errors.js';

function names(pod: KObject, field: 'containers' | 'initContainers' | 'ephemeralContainers'): string[] {
  const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
  const list = spec[field];
  if (!Array.isArray(list)) return [];
  return list.map((c) => String((c as { name?: unknown }).name ?? ''));
}

function allNames(pod: KObject): string[] {
  return [...names(pod, 'initContainers'), ...names(pod, 'containers'), ...names(pod, 'ephemeralContainers')];
}

function only(pod: KObject, podName: string): string | undefined {
  const app = names(pod, 'containers');
  if (app.length === 1) return app[0]!;
  if (app.length === 0) throw Errors.badRequest(`a container name must be specified for pod ${podName}`);
  return undefined;
}

/** A container the request named: one of the pod's containers of any kind. */
function valid(pod: KObject, podName: string, asked: string): string {
  if (!allNames(pod).includes(asked))
    throw Errors.badRequest(`container ${asked} is not valid for pod ${podName}`);
  return asked;
}

/** The container of a pods/log request. */
export function logContainer(pod: KObject, podName: string, asked: string): string {
  if (asked !== '') return valid(pod, podName, asked);
  const one = only(pod, podName);
  if (one !== undefined) return one;
  throw Errors.badRequest(
    `a container name must be specified for pod ${podName}, choose one of: [${allNames(pod).join(' ')}]`,
  );
}

/** The container of a pods/exec or pods/attach request. */
export function streamContainer(pod: KObject, podName: string, asked: string): string {
  if (asked !== '') return valid(pod, podName, asked);
  const one = only(pod, podName);
  if (one !== undefined) return one;
  const init = names(pod, 'initContainers');
  let message = `a container name must be specified for pod ${podName}, choose one of: [${names(pod, 'containers').join(' ')}]`;
  if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
  throw Errors.badRequest(message);
}
