/**
 * Running a StatefulSet plan: batches in order, the steps of a batch in slow-start waves,
 * stopping at the first failure. Pod creations and deletions are recorded as expectations
 * before any request (creations under the set's key, deletions under `<key>/delete`) and
 * lowered for every step that fails or never runs, so a sync never waits on writes that
 * did not happen.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Expectations } from '../framework/expectations.js';
import { podKey } from '../framework/pods.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { ordinalOf } from './identity.js';
import type { Step } from './plan.js';
import type { StatefulPodControl } from './pod-control.js';

/** What new pods are made from: per revision, its name and pod template; and the owner reference. */
export interface Revisions {
  names: { current: string; update: string };
  templates: { current: PodTemplateSpec; update: PodTemplateSpec };
  ref: OwnerReference;
}

export class PlanRunner {
  constructor(
    private readonly podControl: StatefulPodControl,
    private readonly expectations: Expectations,
  ) {}

  /** Runs the batches; returns how many pods were deleted to be updated. Throws the first error. */
  async run(key: string, set: StatefulSet, batches: Step[][], rev: Revisions): Promise<number> {
    const steps = batches.flat();
    const creates = steps.filter((s) => s.op === 'create').length;
    const deletes = steps.flatMap((s) => (s.op === 'delete' ? [podKey(s.pod)] : []));
    if (creates > 0) this.expectations.expectCreations(key, creates);
    if (deletes.length > 0) this.expectations.expectDeletions(`${key}/delete`, deletes);
    const unexpect = (s: Step) => {
      if (s.op === 'create') this.expectations.creationObserved(key);
      if (s.op === 'delete') this.expectations.deletionObserved(`${key}/delete`, podKey(s.pod));
    };
    let replaced = 0;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      let i = 0;
      const result = await slowStartBatch(batch.length, 1, async () => {
        const s = batch[i++]!;
        try {
          await this.step(set, s, rev);
          if (s.op === 'delete' && s.reason === 'update') replaced++;
        } catch (err) {
          unexpect(s);
          throw err;
        }
      });
      if (result.error) {
        for (const s of batch.slice(i)) unexpect(s);
        for (const rest of batches.slice(b + 1)) for (const s of rest) unexpect(s);
        throw result.error;
      }
    }
    return replaced;
  }

  private async step(set: StatefulSet, s: Step, rev: Revisions): Promise<void> {
    switch (s.op) {
      case 'create':
        await this.podControl.create(
          set,
          rev.templates[s.revision],
          s.ordinal,
          rev.names[s.revision],
          rev.ref,
        );
        return;
      case 'delete':
        return this.podControl.delete(set, s.pod);
      case 'relabel':
        return this.podControl.relabel(set, s.pod);
      case 'claims':
        return this.podControl.createClaims(set, ordinalOf(s.pod), s.pod.metadata?.name ?? '');
      case 'retain':
        return this.podControl.retain(set, s.pod);
    }
  }
}
