/**
 * A pod's priority and preemption policy. Admission normally copies them into the pod
 * (spec.priority, spec.preemptionPolicy) from its PriorityClass; when a pod arrives with
 * only spec.priorityClassName, the scheduler resolves the class itself: the named class,
 * else the class marked globalDefault, else 0. The two built-in system classes are known
 * even when no object for them exists. Pure.
 */
import type { KObject } from '../registry/types.js';

export interface PriorityClassInfo {
  value: number;
  preemptionPolicy: string;
  globalDefault: boolean;
}

export const PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority';
export const PREEMPT_NEVER = 'Never';

const SYSTEM_CLASSES: Record<string, PriorityClassInfo> = {
  'system-cluster-critical': {
    value: 2_000_000_000,
    preemptionPolicy: PREEMPT_LOWER_PRIORITY,
    globalDefault: false,
  },
  'system-node-critical': {
    value: 2_000_001_000,
    preemptionPolicy: PREEMPT_LOWER_PRIORITY,
    globalDefault: false,
  },
};

export function priorityClassInfo(pc: KObject): PriorityClassInfo {
  return {
    value: typeof pc['value'] === 'number' ? pc['value'] : 0,
    preemptionPolicy:
      typeof pc['preemptionPolicy'] === 'string' ? pc['preemptionPolicy'] : PREEMPT_LOWER_PRIORITY,
    globalDefault: pc['globalDefault'] === true,
  };
}

/** Looks PriorityClasses up by name; `globalDefault()` is the class marked as the default, if any. */
export interface PriorityClasses {
  get(name: string): PriorityClassInfo | undefined;
  globalDefault(): PriorityClassInfo | undefined;
}

export const NO_PRIORITY_CLASSES: PriorityClasses = { get: () => undefined, globalDefault: () => undefined };

export function resolvePriority(
  spec: Record<string, unknown>,
  classes: PriorityClasses,
): { priority: number; preemptionPolicy: string } {
  const className = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
  const cls = className ? (classes.get(className) ?? SYSTEM_CLASSES[className]) : classes.globalDefault();
  const priority = typeof spec['priority'] === 'number' ? spec['priority'] : (cls?.value ?? 0);
  const policy =
    typeof spec['preemptionPolicy'] === 'string'
      ? spec['preemptionPolicy']
      : (cls?.preemptionPolicy ?? PREEMPT_LOWER_PRIORITY);
  return { priority, preemptionPolicy: policy };
}
