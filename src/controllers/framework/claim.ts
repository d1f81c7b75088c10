/**
 * Claiming: how a controller takes ownership of the objects its selector matches
 * (adopting orphans) and lets go of the ones it owns that no longer match (releasing
 * them), as upstream's ControllerRefManager does. Objects owned by another controller
 * are never touched. A controller being deleted neither adopts nor releases. Before the
 * first adoption `canAdopt` re-checks the owner against the live API (not the cache), so
 * a deleted-and-recreated owner of the same name never adopts. Writes are strategic merge
 * patches carrying the object's UID, so they fail if the object was replaced meanwhile.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { controllerRefOf } from './owner.js';

export interface ClaimOptions {
  /** The controller object that claims. */
  owner: KObject;
  /** The controller reference to set on adopted objects. */
  ref: OwnerReference;
  /** Whether an object's labels match the owner's selector. */
  matches: (obj: KObject) => boolean;
  /** The client of the claimed resource (pods, replicasets...). */
  client: ResourceClient;
  /** Throws when the owner may not adopt (gone, replaced or being deleted). */
  canAdopt: () => Promise<void>;
}

/** The objects (of `candidates`) that `owner` controls after adopting and releasing. */
export async function claimObjects(candidates: KObject[], opts: ClaimOptions): Promise<KObject[]> {
  const ownerUid = opts.owner.metadata?.uid;
  const ownerDeleting = !!opts.owner.metadata?.deletionTimestamp;
  const claimed: KObject[] = [];
  const errors: Error[] = [];
  let adoptCheck: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (opts.matches(obj)) {
        claimed.push(obj);
      } else if (!ownerDeleting) {
        await release(obj, opts).catch((err: unknown) => errors.push(err as Error));
      }
      continue;
    }
    if (ownerDeleting || obj.metadata?.deletionTimestamp || !opts.matches(obj)) continue;
    try {
      adoptCheck ??= opts.canAdopt();
      await adoptCheck;
      const adopted = await adopt(obj, opts);
      if (adopted) claimed.push(adopted);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

async function adopt(obj: KObject, opts: ClaimOptions): Promise<KObject | undefined> {
  const m = obj.metadata ?? {};
  try {
    return await opts.client.patch(
      m.namespace,
      m.name!,
      { metadata: { ownerReferences: [opts.ref], uid: m.uid } },
      'strategic',
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function release(obj: KObject, opts: ClaimOptions): Promise<void> {
  const m = obj.metadata ?? {};
  try {
    await opts.client.patch(
      m.namespace,
      m.name!,
      { metadata: { ownerReferences: [{ $patch: 'delete', uid: opts.ref.uid }], uid: m.uid } },
      'strategic',
    );
  } catch (err) {
    // Gone, or replaced by an object with another UID (the patch's UID no longer fits).
    if (isNotFound(err) || isInvalid(err)) return;
    throw err;
  }
}

function isInvalid(err: unknown): boolean {
  return (err as { code?: number }).code === 422;
}

/**
 * The usual `canAdopt`: fetch the owner fresh and refuse if its UID changed or it is
 * being deleted, with upstream's messages.
 */
export function recheckOwner(client: ResourceClient, owner: KObject, kind: string): () => Promise<void> {
  return async () => {
    const m = owner.metadata ?? {};
    const fresh = await client.get(m.namespace, m.name!);
    if (fresh.metadata?.uid !== m.uid) {
      throw new Error(
        `original ${kind} ${m.namespace}/${m.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${m.uid}`,
      );
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(
        `${kind} ${m.namespace}/${m.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`,
      );
    }
  };
}
