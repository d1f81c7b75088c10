/** One simulated node as the simulator keeps it in memory: who it is and whether its kubelet is up. */
import type { IpPool } from './addresses.js';
import type { SimNodeIdentity } from './node-status.js';

export interface SimNode {
  id: SimNodeIdentity;
  /** Pod IPs of the node's range; set at registration (the Node may name its own range). */
  pool: IpPool | undefined;
  /** Taken down through Simulator.setNodeDown(). */
  apiDown: boolean;
  /** Taken down with the `sim.k8ts.io/down` annotation on the Node. */
  annotationDown: boolean;
  registered: boolean;
  registeredAt: number;
  uid: string | undefined;
  /** A heartbeat is in progress (heartbeats of one node never overlap). */
  busy: boolean;
  failures: number;
  /** Keys of the pods running here (for the kubelet's pod-count admission). */
  pods: Set<string>;
}

export function isDown(n: SimNode): boolean {
  return n.apiDown || n.annotationDown;
}
