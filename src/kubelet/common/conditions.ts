/**
 * Condition bookkeeping shared by the real kubelet and simulated nodes: which pod
 * conditions a kubelet owns (the rest are kept as others wrote them), and node conditions
 * written with their heartbeat, keeping lastTransitionTime while the status stays. Pure.
 */

type Obj = Record<string, unknown>;

/** Pod conditions the kubelet writes; others' conditions on the pod are left alone. */
export const KUBELET_POD_CONDITIONS: ReadonlySet<string> = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
]);

export type NodeCondition = [type: string, status: string, reason: string, message: string];

/** The node's conditions at heartbeat `ts`: a condition's transition time moves only when its status does. */
export function nodeConditions(now: readonly NodeCondition[], prev: readonly Obj[], ts: string): Obj[] {
  return now.map(([type, status, reason, message]) => {
    const old = prev.find((c) => c['type'] === type);
    const since = old && old['status'] === status && typeof old['lastTransitionTime'] === 'string';
    return {
      type,
      status,
      lastHeartbeatTime: ts,
      lastTransitionTime: since ? old['lastTransitionTime'] : ts,
      reason,
      message,
    };
  });
}
