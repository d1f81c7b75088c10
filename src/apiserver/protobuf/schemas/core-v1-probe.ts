/**
 * core/v1 probes and lifecycle hooks: exec, HTTP GET, TCP socket, gRPC and sleep actions.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1Probe: MessageTable = {
  Probe: {
    1: '... ProbeHandler',
    2: 'initialDelaySeconds int32',
    3: 'timeoutSeconds int32',
    4: 'periodSeconds int32',
    5: 'successThreshold int32',
    6: 'failureThreshold int32',
    7: 'terminationGracePeriodSeconds int64!',
  },
  ProbeHandler: {
    1: 'exec ExecAction',
    2: 'httpGet HTTPGetAction',
    3: 'tcpSocket TCPSocketAction',
    4: 'grpc GRPCAction',
  },
  ExecAction: {
    1: 'command []string',
  },
  HTTPGetAction: {
    1: 'path string',
    2: 'port IntOrString!',
    3: 'host string',
    4: 'scheme string',
    5: 'httpHeaders []HTTPHeader',
  },
  HTTPHeader: {
    1: 'name string!',
    2: 'value string!',
  },
  TCPSocketAction: {
    1: 'port IntOrString!',
    2: 'host string',
  },
  GRPCAction: {
    1: 'port int32!',
    2: 'service string!',
  },
  Lifecycle: {
    1: 'postStart LifecycleHandler',
    2: 'preStop LifecycleHandler',
  },
  LifecycleHandler: {
    1: 'exec ExecAction',
    2: 'httpGet HTTPGetAction',
    3: 'tcpSocket TCPSocketAction',
    4: 'sleep SleepAction',
  },
  SleepAction: {
    1: 'seconds int64!',
  },
};
