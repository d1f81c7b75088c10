/**
 * Writing ControllerRevisions for a controller: finding or creating the revision of the
 * owner's current template (a template seen before is reused and renumbered to the
 * newest, which is what a rollback looks like), resolving name collisions by bumping the
 * collision count, and pruning old revisions. The caller supplies the revisions it owns
 * (from its informer, after claiming); this module only writes through the API.
 */
import type { ResourceClient } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import {
  buildRevision,
  equalRevision,
  findEqualRevisions,
  nextRevisionNumber,
  type Revision,
  type RevisionSpec,
  revisionsToPrune,
  sortRevisions,
} from './revision.js';

/** Collisions of a 32-bit hash are rare; this many in a row means something else is wrong. */
const MAX_COLLISIONS = 100;

export interface EnsuredRevision {
  revision: Revision;
  /** The collision count to store in the owner's status (unchanged unless a name collided). */
  collisionCount: number;
}

export class RevisionStore {
  constructor(private readonly client: ResourceClient) {}

  /**
   * The revision storing `spec.data`: the newest of the equal revisions in `owned` (given
   * the newest revision number if another revision is newer), or a new one.
   * `spec.revision` is ignored; numbers follow `owned`.
   */
  async ensure(
    owned: readonly Revision[],
    spec: Omit<RevisionSpec, 'revision'>,
    collisionCount: number,
  ): Promise<EnsuredRevision> {
    const sorted = sortRevisions(owned);
    const next = nextRevisionNumber(sorted);
    const wanted = buildRevision({ ...spec, revision: next }, collisionCount);
    const equal = findEqualRevisions(sorted, wanted);
    const latest = equal[equal.length - 1];
    if (latest) {
      if (latest === sorted[sorted.length - 1]) return { revision: latest, collisionCount };
      return { revision: await this.renumber(latest, next), collisionCount };
    }
    return this.create({ ...spec, revision: next }, collisionCount);
  }

  /** Creates the revision, trying the next collision count while the name is taken by other data. */
  async create(spec: RevisionSpec, collisionCount: number): Promise<EnsuredRevision> {
    let count = collisionCount;
    for (let i = 0; i < MAX_COLLISIONS; i++) {
      const rev = buildRevision(spec, count);
      const m = rev.metadata ?? {};
      try {
        return { revision: (await this.client.create(m.namespace, rev)) as Revision, collisionCount: count };
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      const existing = (await this.client.get(m.namespace, m.name!)) as Revision;
      if (equalRevision(existing, rev)) return { revision: existing, collisionCount: count };
      count++;
    }
    throw new Error(`too many ControllerRevision name collisions for ${spec.owner.metadata?.name}`);
  }

  /** Gives `rev` another revision number. */
  async renumber(rev: Revision, revision: number): Promise<Revision> {
    const m = rev.metadata ?? {};
    return (await this.client.patch(m.namespace, m.name!, { revision })) as Revision;
  }

  /** Deletes the old revisions beyond `limit` that are not live; returns how many went. */
  async prune(
    owned: readonly Revision[],
    isLive: (rev: Revision) => boolean,
    limit: number,
  ): Promise<number> {
    const doomed = revisionsToPrune(owned, isLive, limit);
    for (const rev of doomed) {
      const m = rev.metadata ?? {};
      try {
        await this.client.delete(m.namespace, m.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return doomed.length;
  }
}
