/**
 * core/v1 Service: spec, ports, session affinity and load-balancer status.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1Service: MessageTable = {
  Service: {
    1: 'metadata ObjectMeta',
    2: 'spec ServiceSpec',
    3: 'status ServiceStatus',
  },
  ServiceSpec: {
    1: 'ports []ServicePort',
    2: 'selector map<string,string>',
    3: 'clusterIP string',
    4: 'type string',
    5: 'externalIPs []string',
    7: 'sessionAffinity string',
    8: 'loadBalancerIP string',
    9: 'loadBalancerSourceRanges []string',
    10: 'externalName string',
    11: 'externalTrafficPolicy string',
    12: 'healthCheckNodePort int32',
    13: 'publishNotReadyAddresses bool',
    14: 'sessionAffinityConfig SessionAffinityConfig',
    17: 'ipFamilyPolicy string!',
    18: 'clusterIPs []string',
    19: 'ipFamilies []string',
    20: 'allocateLoadBalancerNodePorts bool!',
    21: 'loadBalancerClass string!',
    22: 'internalTrafficPolicy string!',
    23: 'trafficDistribution string!',
  },
  ServicePort: {
    1: 'name string',
    2: 'protocol string',
    3: 'port int32!',
    4: 'targetPort IntOrString',
    5: 'nodePort int32',
    6: 'appProtocol string!',
  },
  SessionAffinityConfig: {
    1: 'clientIP ClientIPConfig',
  },
  ClientIPConfig: {
    1: 'timeoutSeconds int32!',
  },
  ServiceStatus: {
    1: 'loadBalancer LoadBalancerStatus',
    2: 'conditions []Condition',
  },
  LoadBalancerStatus: {
    1: 'ingress []LoadBalancerIngress',
  },
  LoadBalancerIngress: {
    1: 'ip string',
    2: 'hostname string',
    3: 'ipMode string!',
    4: 'ports []PortStatus',
  },
  PortStatus: {
    1: 'port int32!',
    2: 'protocol string!',
    3: 'error string!',
  },
};
