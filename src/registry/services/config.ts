/**
 * The address ranges Services draw from: `--service-cidr` for ClusterIPs (default
 * 10.43.0.0/16) and `--service-node-port-range` for NodePorts (default 30000-32767).
 * Pure: parsing only; errors say which flag is wrong.
 */
import { IPRange } from './ip-range.js';
import { DEFAULT_NODE_PORT_RANGE, PortRange } from './port-range.js';

export const DEFAULT_SERVICE_CIDR = '10.43.0.0/16';

export interface ServiceRanges {
  ips: IPRange;
  ports: PortRange;
}

/** Parses both ranges; throws an Error naming the flag whose value is bad. */
export function parseServiceRanges(
  serviceCIDR: string = DEFAULT_SERVICE_CIDR,
  nodePortRange: string = DEFAULT_NODE_PORT_RANGE,
): ServiceRanges {
  let ips: IPRange;
  let ports: PortRange;
  try {
    ips = IPRange.parse(serviceCIDR);
  } catch (err) {
    throw new Error(`--service-cidr: ${(err as Error).message}`);
  }
  try {
    ports = PortRange.parse(nodePortRange);
  } catch (err) {
    throw new Error(`--service-node-port-range: ${(err as Error).message}`);
  }
  return { ips, ports };
}
