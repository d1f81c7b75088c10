/**
 * networking.k8s.io/v1 Ingress: rules, backends, TLS and load-balancer status.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const networkingV1: MessageTable = {
  Ingress: {
    1: 'metadata ObjectMeta',
    2: 'spec IngressSpec',
    3: 'status IngressStatus',
  },
  IngressSpec: {
    1: 'defaultBackend IngressBackend',
    2: 'tls []IngressTLS',
    3: 'rules []IngressRule',
    4: 'ingressClassName string!',
  },
  IngressStatus: {
    1: 'loadBalancer IngressLoadBalancerStatus',
  },
  IngressBackend: {
    3: 'resource TypedLocalObjectReference',
    4: 'service IngressServiceBackend',
  },
  IngressTLS: {
    1: 'hosts []string',
    2: 'secretName string',
  },
  IngressRule: {
    1: 'host string',
    2: '... IngressRuleValue',
  },
  IngressLoadBalancerStatus: {
    1: 'ingress []IngressLoadBalancerIngress',
  },
  IngressServiceBackend: {
    1: 'name string!',
    2: 'port ServiceBackendPort',
  },
  IngressRuleValue: {
    1: 'http HTTPIngressRuleValue',
  },
  IngressLoadBalancerIngress: {
    1: 'ip string',
    2: 'hostname string',
    4: 'ports []IngressPortStatus',
  },
  ServiceBackendPort: {
    1: 'name string',
    2: 'number int32',
  },
  HTTPIngressRuleValue: {
    1: 'paths []HTTPIngressPath',
  },
  IngressPortStatus: {
    1: 'port int32!',
    2: 'protocol string!',
    3: 'error string!',
  },
  HTTPIngressPath: {
    1: 'path string',
    2: 'backend IngressBackend',
    3: 'pathType string!',
  },
};
