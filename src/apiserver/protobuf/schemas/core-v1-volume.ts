/**
 * core/v1 Volume and the volume sources a pod commonly uses: hostPath, emptyDir, secret,
 * configMap, downward API, projected, persistentVolumeClaim, ephemeral, image and CSI. The
 * in-tree network and cloud drivers are in core-v1-volume-drivers.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1Volume: MessageTable = {
  Volume: {
    1: 'name string!',
    2: '... VolumeSource',
  },
  VolumeSource: {
    1: 'hostPath HostPathVolumeSource',
    2: 'emptyDir EmptyDirVolumeSource',
    3: 'gcePersistentDisk GCEPersistentDiskVolumeSource',
    4: 'awsElasticBlockStore AWSElasticBlockStoreVolumeSource',
    5: 'gitRepo GitRepoVolumeSource',
    6: 'secret SecretVolumeSource',
    7: 'nfs NFSVolumeSource',
    8: 'iscsi ISCSIVolumeSource',
    9: 'glusterfs GlusterfsVolumeSource',
    10: 'persistentVolumeClaim PersistentVolumeClaimVolumeSource',
    11: 'rbd RBDVolumeSource',
    12: 'flexVolume FlexVolumeSource',
    13: 'cinder CinderVolumeSource',
    14: 'cephfs CephFSVolumeSource',
    15: 'flocker FlockerVolumeSource',
    16: 'downwardAPI DownwardAPIVolumeSource',
    17: 'fc FCVolumeSource',
    18: 'azureFile AzureFileVolumeSource',
    19: 'configMap ConfigMapVolumeSource',
    20: 'vsphereVolume VsphereVirtualDiskVolumeSource',
    21: 'quobyte QuobyteVolumeSource',
    22: 'azureDisk AzureDiskVolumeSource',
    23: 'photonPersistentDisk PhotonPersistentDiskVolumeSource',
    24: 'portworxVolume PortworxVolumeSource',
    25: 'scaleIO ScaleIOVolumeSource',
    26: 'projected ProjectedVolumeSource',
    27: 'storageos StorageOSVolumeSource',
    28: 'csi CSIVolumeSource',
    29: 'ephemeral EphemeralVolumeSource',
    30: 'image ImageVolumeSource',
  },
  HostPathVolumeSource: {
    1: 'path string!',
    2: 'type string!',
  },
  EmptyDirVolumeSource: {
    1: 'medium string',
    2: 'sizeLimit Quantity',
  },
  SecretVolumeSource: {
    1: 'secretName string',
    2: 'items []KeyToPath',
    3: 'defaultMode int32!',
    4: 'optional bool!',
  },
  ConfigMapVolumeSource: {
    1: '... LocalObjectReference',
    2: 'items []KeyToPath',
    3: 'defaultMode int32!',
    4: 'optional bool!',
  },
  KeyToPath: {
    1: 'key string!',
    2: 'path string!',
    3: 'mode int32!',
  },
  DownwardAPIVolumeSource: {
    1: 'items []DownwardAPIVolumeFile',
    2: 'defaultMode int32!',
  },
  DownwardAPIVolumeFile: {
    1: 'path string!',
    2: 'fieldRef ObjectFieldSelector',
    3: 'resourceFieldRef ResourceFieldSelector',
    4: 'mode int32!',
  },
  ProjectedVolumeSource: {
    1: 'sources []VolumeProjection',
    2: 'defaultMode int32!',
  },
  VolumeProjection: {
    1: 'secret SecretProjection',
    2: 'downwardAPI DownwardAPIProjection',
    3: 'configMap ConfigMapProjection',
    4: 'serviceAccountToken ServiceAccountTokenProjection',
    5: 'clusterTrustBundle ClusterTrustBundleProjection',
  },
  SecretProjection: {
    1: '... LocalObjectReference',
    2: 'items []KeyToPath',
    4: 'optional bool!',
  },
  ConfigMapProjection: {
    1: '... LocalObjectReference',
    2: 'items []KeyToPath',
    4: 'optional bool!',
  },
  DownwardAPIProjection: {
    1: 'items []DownwardAPIVolumeFile',
  },
  ServiceAccountTokenProjection: {
    1: 'audience string',
    2: 'expirationSeconds int64!',
    3: 'path string!',
  },
  ClusterTrustBundleProjection: {
    1: 'name string!',
    2: 'signerName string!',
    3: 'labelSelector LabelSelector',
    4: 'path string!',
    5: 'optional bool!',
  },
  PersistentVolumeClaimVolumeSource: {
    1: 'claimName string!',
    2: 'readOnly bool',
  },
  EphemeralVolumeSource: {
    1: 'volumeClaimTemplate PersistentVolumeClaimTemplate',
  },
  PersistentVolumeClaimTemplate: {
    1: 'metadata ObjectMeta',
    2: 'spec PersistentVolumeClaimSpec',
  },
  PersistentVolumeClaimSpec: {
    1: 'accessModes []string',
    2: 'resources VolumeResourceRequirements',
    3: 'volumeName string',
    4: 'selector LabelSelector',
    5: 'storageClassName string!',
    6: 'volumeMode string!',
    7: 'dataSource TypedLocalObjectReference',
    8: 'dataSourceRef TypedObjectReference',
    9: 'volumeAttributesClassName string!',
  },
  VolumeResourceRequirements: {
    1: 'limits map<string,Quantity>',
    2: 'requests map<string,Quantity>',
  },
  ImageVolumeSource: {
    1: 'reference string',
    2: 'pullPolicy string',
  },
  CSIVolumeSource: {
    1: 'driver string!',
    2: 'readOnly bool!',
    3: 'fsType string!',
    4: 'volumeAttributes map<string,string>',
    5: 'nodePublishSecretRef LocalObjectReference',
  },
};
