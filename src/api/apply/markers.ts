/**
 * The merge markers of the built-in API types (as of Kubernetes 1.32), which the component
 * schemas of this server do not carry: which lists are associative maps and by which key
 * fields, which are sets, which maps and structs are atomic, and the defaults of key fields.
 * Every list not named here is atomic and every map and struct granular, as for the API server.
 * Names are component schema names without their `io.k8s.api.` (or
 * `io.k8s.apimachinery.pkg.apis.`) prefix, then `.field`.
 *
 * Pure data. Note the keys differ from strategic merge patch keys (container ports are keyed
 * by containerPort and protocol here, by containerPort alone there).
 */

/** `x-kubernetes-list-type: map` lists and their `x-kubernetes-list-map-keys`. */
export const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  'apps.v1.DaemonSetStatus.conditions': ['type'],
  'apps.v1.DeploymentStatus.conditions': ['type'],
  'apps.v1.ReplicaSetStatus.conditions': ['type'],
  'apps.v1.StatefulSetStatus.conditions': ['type'],
  'autoscaling.v2.HorizontalPodAutoscalerStatus.conditions': ['type'],
  'certificates.v1.CertificateSigningRequestStatus.conditions': ['type'],
  'core.v1.ComponentStatus.conditions': ['type'],
  'core.v1.Container.env': ['name'],
  'core.v1.Container.ports': ['containerPort', 'protocol'],
  'core.v1.Container.volumeDevices': ['devicePath'],
  'core.v1.Container.volumeMounts': ['mountPath'],
  'core.v1.ContainerStatus.allocatedResourcesStatus': ['name'],
  'core.v1.ContainerStatus.volumeMounts': ['mountPath'],
  'core.v1.EphemeralContainer.env': ['name'],
  'core.v1.EphemeralContainer.ports': ['containerPort', 'protocol'],
  'core.v1.EphemeralContainer.volumeDevices': ['devicePath'],
  'core.v1.EphemeralContainer.volumeMounts': ['mountPath'],
  'core.v1.NamespaceStatus.conditions': ['type'],
  'core.v1.NodeStatus.addresses': ['type'],
  'core.v1.NodeStatus.conditions': ['type'],
  'core.v1.PersistentVolumeClaimStatus.conditions': ['type'],
  'core.v1.PodSpec.containers': ['name'],
  'core.v1.PodSpec.ephemeralContainers': ['name'],
  'core.v1.PodSpec.hostAliases': ['ip'],
  'core.v1.PodSpec.imagePullSecrets': ['name'],
  'core.v1.PodSpec.initContainers': ['name'],
  'core.v1.PodSpec.resourceClaims': ['name'],
  'core.v1.PodSpec.schedulingGates': ['name'],
  'core.v1.PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'],
  'core.v1.PodSpec.volumes': ['name'],
  'core.v1.PodStatus.conditions': ['type'],
  'core.v1.PodStatus.podIPs': ['ip'],
  'core.v1.PodStatus.resourceClaimStatuses': ['name'],
  'core.v1.ReplicationControllerStatus.conditions': ['type'],
  'core.v1.ResourceRequirements.claims': ['name'],
  'core.v1.ResourceStatus.resources': ['resourceID'],
  'core.v1.ServiceAccount.secrets': ['name'],
  'core.v1.ServiceSpec.ports': ['port', 'protocol'],
  'core.v1.ServiceStatus.conditions': ['type'],
  'policy.v1.PodDisruptionBudgetStatus.conditions': ['type'],
  'storage.v1.CSINodeSpec.drivers': ['name'],
  'meta.v1.ObjectMeta.ownerReferences': ['uid'],
};

/** `x-kubernetes-list-type: set` lists. */
export const LIST_SETS: ReadonlySet<string> = new Set([
  'batch.v1.PodFailurePolicyOnExitCodesRequirement.values',
  'batch.v1.UncountedTerminatedPods.failed',
  'batch.v1.UncountedTerminatedPods.succeeded',
  'core.v1.NodeSpec.podCIDRs',
  'discovery.v1.Endpoint.addresses',
  'storage.v1.CSIDriverSpec.volumeLifecycleModes',
  'meta.v1.ObjectMeta.finalizers',
]);

/** `x-kubernetes-map-type: atomic` maps. */
export const ATOMIC_MAPS: ReadonlySet<string> = new Set([
  'core.v1.PodSpec.nodeSelector',
  'core.v1.ReplicationControllerSpec.selector',
  'core.v1.ServiceSpec.selector',
]);

/** Structs marked atomic (`+structType=atomic`): owned and replaced as a whole. */
export const ATOMIC_STRUCTS: ReadonlySet<string> = new Set([
  'autoscaling.v1.CrossVersionObjectReference',
  'core.v1.ConfigMapKeySelector',
  'core.v1.EndpointAddress',
  'core.v1.EndpointPort',
  'core.v1.LocalObjectReference',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.ObjectFieldSelector',
  'core.v1.ObjectReference',
  'core.v1.ResourceFieldSelector',
  'core.v1.ScopeSelector',
  'core.v1.SecretKeySelector',
  'core.v1.SecretReference',
  'core.v1.TopologySelectorTerm',
  'core.v1.TypedLocalObjectReference',
  'discovery.v1.EndpointPort',
  'networking.v1.ServiceBackendPort',
  'rbac.v1.RoleRef',
  'rbac.v1.Subject',
  'meta.v1.LabelSelector',
  'meta.v1.OwnerReference',
]);

/** Defaults of key fields, used when an item leaves the key field out. */
export const KEY_DEFAULTS: Readonly<Record<string, string>> = {
  'core.v1.ContainerPort.protocol': 'TCP',
  'core.v1.ServicePort.protocol': 'TCP',
};

/** The short marker name of a component schema name. */
export function markerName(schemaName: string): string {
  if (schemaName.startsWith('io.k8s.api.')) return schemaName.slice('io.k8s.api.'.length);
  if (schemaName.startsWith('io.k8s.apimachinery.pkg.apis.')) {
    return schemaName.slice('io.k8s.apimachinery.pkg.apis.'.length);
  }
  return schemaName;
}
