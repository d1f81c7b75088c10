/**
 * The annotations users set to steer simulated nodes and their pods. Pure.
 *
 * - `sim.k8ts.io/exit` on a Pod: `code=N,after=DURATION[,container=NAME]`, several
 *   separated by `;`. Each run of the container exits with code N once it has been running
 *   for DURATION (counted from when the annotation was first seen, if that is later), and
 *   the pod's restartPolicy applies. An entry with `container=` wins over one without.
 *   Example: `code=0,after=2s` (all containers complete after 2 s), or
 *   `code=1,after=0s,container=app` (app crashes at once and is restarted with backoff).
 * - `sim.k8ts.io/ready: "false"` on a Pod: its containers run but are not ready.
 * - `sim.k8ts.io/down: "true"` on a Node: the node's simulated kubelet stops (no Lease
 *   renewals, no status updates, its pods are left as they are) until the annotation goes.
 */
import { parseDuration } from './duration.js';

export const EXIT_ANNOTATION = 'sim.k8ts.io/exit';
export const READY_ANNOTATION = 'sim.k8ts.io/ready';
export const DOWN_ANNOTATION = 'sim.k8ts.io/down';

export interface ExitPlan {
  code: number;
  afterMs: number;
  /** The container it applies to; absent: every container without an entry of its own. */
  container?: string;
}

/** Parses the exit annotation; throws an Error saying what is wrong. */
export function parseExitPlans(value: string): ExitPlan[] {
  const plans: ExitPlan[] = [];
  for (const entry of value.split(';')) {
    if (entry.trim() === '') continue;
    const plan: ExitPlan = { code: 0, afterMs: 0 };
    for (const part of entry.split(',')) {
      const eq = part.indexOf('=');
      const k = (eq < 0 ? part : part.slice(0, eq)).trim();
      const v = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (k === 'code' && /^\d{1,3}$/.test(v) && Number(v) <= 255) plan.code = Number(v);
      else if (k === 'after') plan.afterMs = parseDuration(v);
      else if (k === 'container' && v !== '') plan.container = v;
      else
        throw new Error(
          `${EXIT_ANNOTATION}: bad "${part.trim()}" (want code=0..255, after=DURATION, container=NAME)`,
        );
    }
    plans.push(plan);
  }
  return plans;
}

/** The plan for `container`: its own entry, else the general one, else none. */
export function planFor(plans: readonly ExitPlan[], container: string): ExitPlan | undefined {
  return plans.find((p) => p.container === container) ?? plans.find((p) => p.container === undefined);
}

/** True when the annotation value says "true" (as `kubectl annotate ... =true` writes it). */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|1)$/i.test(value.trim());
}

export function isFalse(value: string | undefined): boolean {
  return value !== undefined && /^(false|no|0)$/i.test(value.trim());
}
