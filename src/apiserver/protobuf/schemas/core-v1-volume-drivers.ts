/**
 * core/v1 in-tree network and cloud volume sources (NFS, iSCSI, RBD, CephFS, cloud disks...),
 * kept apart from the common ones so that core-v1-volume stays readable.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1VolumeDrivers: MessageTable = {
  GCEPersistentDiskVolumeSource: {
    1: 'pdName string!',
    2: 'fsType string',
    3: 'partition int32',
    4: 'readOnly bool',
  },
  AWSElasticBlockStoreVolumeSource: {
    1: 'volumeID string!',
    2: 'fsType string',
    3: 'partition int32',
    4: 'readOnly bool',
  },
  GitRepoVolumeSource: {
    1: 'repository string!',
    2: 'revision string',
    3: 'directory string',
  },
  NFSVolumeSource: {
    1: 'server string!',
    2: 'path string!',
    3: 'readOnly bool',
  },
  ISCSIVolumeSource: {
    1: 'targetPortal string!',
    2: 'iqn string!',
    3: 'lun int32!',
    4: 'iscsiInterface string',
    5: 'fsType string',
    6: 'readOnly bool',
    7: 'portals []string',
    8: 'chapAuthDiscovery bool',
    10: 'secretRef LocalObjectReference',
    11: 'chapAuthSession bool',
    12: 'initiatorName string!',
  },
  GlusterfsVolumeSource: {
    1: 'endpoints string!',
    2: 'path string!',
    3: 'readOnly bool',
  },
  RBDVolumeSource: {
    1: 'monitors []string',
    2: 'image string!',
    3: 'fsType string',
    4: 'pool string',
    5: 'user string',
    6: 'keyring string',
    7: 'secretRef LocalObjectReference',
    8: 'readOnly bool',
  },
  FlexVolumeSource: {
    1: 'driver string!',
    2: 'fsType string',
    3: 'secretRef LocalObjectReference',
    4: 'readOnly bool',
    5: 'options map<string,string>',
  },
  CinderVolumeSource: {
    1: 'volumeID string!',
    2: 'fsType string',
    3: 'readOnly bool',
    4: 'secretRef LocalObjectReference',
  },
  CephFSVolumeSource: {
    1: 'monitors []string',
    2: 'path string',
    3: 'user string',
    4: 'secretFile string',
    5: 'secretRef LocalObjectReference',
    6: 'readOnly bool',
  },
  FlockerVolumeSource: {
    1: 'datasetName string',
    2: 'datasetUUID string',
  },
  FCVolumeSource: {
    1: 'targetWWNs []string',
    2: 'lun int32!',
    3: 'fsType string',
    4: 'readOnly bool',
    5: 'wwids []string',
  },
  AzureFileVolumeSource: {
    1: 'secretName string!',
    2: 'shareName string!',
    3: 'readOnly bool',
  },
  VsphereVirtualDiskVolumeSource: {
    1: 'volumePath string!',
    2: 'fsType string',
    3: 'storagePolicyName string',
    4: 'storagePolicyID string',
  },
  QuobyteVolumeSource: {
    1: 'registry string!',
    2: 'volume string!',
    3: 'readOnly bool',
    4: 'user string',
    5: 'group string',
    6: 'tenant string',
  },
  AzureDiskVolumeSource: {
    1: 'diskName string!',
    2: 'diskURI string!',
    3: 'cachingMode string!',
    4: 'fsType string!',
    5: 'readOnly bool!',
    6: 'kind string!',
  },
  PhotonPersistentDiskVolumeSource: {
    1: 'pdID string!',
    2: 'fsType string',
  },
  PortworxVolumeSource: {
    1: 'volumeID string!',
    2: 'fsType string',
    3: 'readOnly bool',
  },
  ScaleIOVolumeSource: {
    1: 'gateway string!',
    2: 'system string!',
    3: 'secretRef LocalObjectReference',
    4: 'sslEnabled bool',
    5: 'protectionDomain string',
    6: 'storagePool string',
    7: 'storageMode string',
    8: 'volumeName string',
    9: 'fsType string',
    10: 'readOnly bool',
  },
  StorageOSVolumeSource: {
    1: 'volumeName string',
    2: 'volumeNamespace string',
    3: 'fsType string',
    4: 'readOnly bool',
    5: 'secretRef LocalObjectReference',
  },
};
