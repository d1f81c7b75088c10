/**
 * Cluster events that may make an unschedulable pod schedulable, and which plugins care
 * about which (after upstream's EventsToRegister): a pod rejected only by NodeAffinity is
 * retried when nodes are added or relabelled, not when pods come and go; one rejected by
 * NodeResourcesFit is retried when pods are deleted or nodes grow. A pod rejected for no
 * plugin in particular (no nodes at all) is retried on any event. Pure.
 */

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'UnscheduledPodDelete'
  | 'PvcAdd'
  | 'PvcUpdate'
  | 'PvAdd'
  | 'PvUpdate'
  | 'StorageClassAdd'
  | 'StorageClassUpdate';

const INTEREST: Record<string, readonly ClusterEvent[]> = {
  NodeUnschedulable: ['NodeAdd', 'NodeUpdate'],
  NodeName: ['NodeAdd'],
  TaintToleration: ['NodeAdd', 'NodeUpdate'],
  NodeAffinity: ['NodeAdd', 'NodeUpdate'],
  NodePorts: ['NodeAdd', 'AssignedPodDelete'],
  NodeResourcesFit: [
    'NodeAdd',
    'NodeUpdate',
    'AssignedPodDelete',
    'AssignedPodUpdate',
    'UnscheduledPodDelete',
  ],
  PodTopologySpread: [
    'NodeAdd',
    'NodeUpdate',
    'NodeDelete',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
  ],
  InterPodAffinity: ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'],
  VolumeBinding: [
    'NodeAdd',
    'NodeUpdate',
    'PvcAdd',
    'PvcUpdate',
    'PvAdd',
    'PvUpdate',
    'StorageClassAdd',
    'StorageClassUpdate',
  ],
};

/** Whether `event` may help a pod that these plugins rejected. */
export function eventMayHelp(event: ClusterEvent, plugins: ReadonlySet<string>): boolean {
  if (plugins.size === 0) return true;
  for (const p of plugins) if (INTEREST[p]?.includes(event)) return true;
  return false;
}
