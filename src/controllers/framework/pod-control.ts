/**
 * Creating and deleting pods on behalf of a controller, with the Events upstream records
 * on the controller object: `SuccessfulCreate` (`Created pod: NAME`), `FailedCreate`
 * (`Error creating: ERR`), `SuccessfulDelete` (`Deleted pod: NAME`), `FailedDelete`
 * (`Error deleting: ERR`). Pods are built from the controller's template with a
 * `generateName` of `<owner>-` and a controller reference. Errors are returned to the
 * caller (who adjusts its expectations). One retry only: an API server that rejects a
 * create for lacking `metadata.name` (it does not generate names) gets the same pod again
 * with a name chosen here as the server would (prefix plus five safe characters).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isDNS1123Subdomain } from '../../api/validation/names.js';
import type { Client } from '../../client/client.js';
import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import type { EventRecorder } from './recorder.js';

interface Template {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: unknown;
}

/** The generateName prefix of a controller's pods: `<name>-`, or `<name>` if that is invalid. */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  // As upstream: the prefix is checked with its trailing dash standing for a letter.
  return isDNS1123Subdomain(`${ownerName}a`).length === 0 ? prefix : ownerName;
}

/** A new pod (to create) from `template`, owned by `ref`. */
export function podFromTemplate(
  template: Template | undefined,
  owner: KObject,
  ref: OwnerReference | undefined,
): KObject {
  const t = template ?? {};
  const metadata: Record<string, unknown> = {
    generateName: podNamePrefix(owner.metadata?.name ?? ''),
    namespace: owner.metadata?.namespace,
    labels: { ...(t.metadata?.labels ?? {}) },
  };
  if (t.metadata?.annotations) metadata['annotations'] = { ...t.metadata.annotations };
  if (t.metadata?.finalizers?.length) metadata['finalizers'] = [...t.metadata.finalizers];
  if (ref) metadata['ownerReferences'] = [ref];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(t.spec ?? {}) };
}

export class PodControl {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  /** Creates one pod from `template` for `owner`; records the Event either way. */
  async create(template: Template | undefined, owner: KObject, ref: OwnerReference): Promise<KObject> {
    const pod = podFromTemplate(template, owner, ref);
    const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
    if (Object.keys(labels).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.createNamed(owner.metadata?.namespace, pod);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (err) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private async createNamed(namespace: string | undefined, pod: KObject): Promise<KObject> {
    const pods = this.client.resource('', 'v1', 'pods');
    try {
      return await pods.create(namespace, pod);
    } catch (err) {
      if (!nameRequired(err)) throw err;
      const m = pod.metadata!;
      return await pods.create(namespace, {
        ...pod,
        metadata: { ...m, name: `${m.generateName}${suffix()}` },
      });
    }
  }

  /** Deletes a pod of `owner`; a pod already gone is an error the caller may ignore (no Event). */
  async delete(namespace: string, name: string, owner: KObject): Promise<void> {
    try {
      await this.client.resource('', 'v1', 'pods').delete(namespace, name);
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      if (!isNotFound(err))
        this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
  }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

/** A 422 saying metadata.name is required: the server did not honour generateName. */
function nameRequired(err: unknown): boolean {
  if (!(err instanceof ApiStatusError) || err.code !== 422) return false;
  const causes = (err.status.details?.['causes'] ?? []) as { type?: string; field?: string }[];
  return causes.some((c) => c.field === 'metadata.name' && c.type === 'FieldValueRequired');
}
