/**
 * Status conditions of workload objects (ReplicaSet, Deployment...): find, set and
 * remove by type, with upstream's rule that setting a condition whose status and reason
 * are unchanged is a no-op, and that lastTransitionTime survives when only the reason or
 * message changes. Functions return new arrays and never mutate their inputs. Pure.
 */

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export function getCondition<C extends Condition>(
  list: readonly C[] | undefined,
  type: string,
): C | undefined {
  return list?.find((c) => c.type === type);
}

export function removeCondition<C extends Condition>(list: readonly C[] | undefined, type: string): C[] {
  return (list ?? []).filter((c) => c.type !== type);
}

/**
 * `list` with `cond` in place of any condition of its type. Unchanged (the same array
 * contents) when one with the same status and reason exists; keeps the old
 * lastTransitionTime when the status is the same.
 */
export function setCondition<C extends Condition>(list: readonly C[] | undefined, cond: C): C[] {
  const current = getCondition(list, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return [...(list ?? [])];
  const next = { ...cond };
  if (current && current.status === cond.status && current.lastTransitionTime !== undefined)
    next.lastTransitionTime = current.lastTransitionTime;
  return [...removeCondition(list, cond.type), next];
}
