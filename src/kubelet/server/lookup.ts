/**
 * What the kubelet's HTTPS server asks of the pod worker: where a pod's containers and
 * sandbox are. The pod worker implements it; the server only reads through it. An
 * answer that is a LookupError is sent to the client as is (status code and text).
 */

export interface LookupError {
  code: number;
  message: string;
}

export interface ContainerRef {
  containerId: string;
  logPath: string;
  running: boolean;
}

export interface PodLookup {
  /** The container (the current instance, or the previous one when `previous`) of a pod on this node. */
  container(namespace: string, pod: string, container: string, previous: boolean): ContainerRef | LookupError;
  sandbox(namespace: string, pod: string): { sandboxId: string; podIP: string } | LookupError;
}

/** True when a lookup answered with an error. */
export function isLookupError(v: object): v is LookupError {
  return 'code' in v && 'message' in v && !('containerId' in v) && !('sandboxId' in v);
}
