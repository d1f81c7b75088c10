/**
 * The verdict of a plugin about one pod on one node, as upstream's framework.Status:
 * Unschedulable (another node, or preempting pods here, might do), UnschedulableAndUnresolvable
 * (preemption cannot help on this node), or Error. Success is `null`. Reasons are the
 * user-facing strings that end up in the FailedScheduling message. Pure.
 */

export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';

export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  /** The plugin that rejected the pod. */
  readonly plugin: string;
}

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return Object.freeze({ code: 'Unschedulable', reasons, plugin });
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons, plugin });
}

export function errorStatus(plugin: string, message: string): Status {
  return Object.freeze({ code: 'Error', reasons: [message], plugin });
}
