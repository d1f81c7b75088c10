/**
 * What a simulator runs: how many nodes, their names and their size, and how fast
 * crash-loop backoff goes. Also the command-line flags that set it, shared by
 * `k8ts server --simulated-nodes N` and `k8ts agent --simulated --nodes N` (declared as
 * plain objects in the CLI's flag-table shape, so this module does not depend on the CLI).
 * Pure.
 */
import { formatQuantity, parseQuantity } from '../../api/quantity/index.js';
import { MAX_SIMULATED_NODES } from './addresses.js';

export interface NodeShape {
  /** A CPU quantity, such as "32" or "3500m". */
  cpu: string;
  /** A memory quantity, such as "256Gi". */
  memory: string;
  /** Most pods the node runs (status.capacity.pods). */
  pods: number;
  ephemeralStorage: string;
}

export interface SimulatorConfig {
  count: number;
  /** Node i is named `${prefix}${i}`. */
  prefix: string;
  shape: NodeShape;
  /** Multiplies crash-loop backoff (10 s doubling to 5 min); 0.01 makes it 100 ms to 3 s. */
  backoffScale: number;
  /**
   * How often each node renews its Lease (default 10 s, the kubelet's). It must stay well
   * under the server's --node-monitor-grace-period (40 s by default).
   */
  leaseRenewMs?: number;
}

export const DEFAULT_SHAPE: NodeShape = { cpu: '32', memory: '256Gi', pods: 110, ephemeralStorage: '100Gi' };

/** The flags describing simulated nodes, common to the server and the agent. */
export const simulatedNodeFlags = {
  'simulated-node-cpu': {
    kind: 'string',
    placeholder: 'QTY',
    default: DEFAULT_SHAPE.cpu,
    description: 'CPU capacity of each simulated node',
  },
  'simulated-node-memory': {
    kind: 'string',
    placeholder: 'QTY',
    default: DEFAULT_SHAPE.memory,
    description: 'memory capacity of each simulated node',
  },
  'simulated-node-pods': {
    kind: 'number',
    placeholder: 'N',
    default: DEFAULT_SHAPE.pods,
    description: 'most pods each simulated node runs',
  },
  'simulated-node-prefix': {
    kind: 'string',
    placeholder: 'PREFIX',
    default: 'sim-',
    description: 'simulated nodes are named PREFIX0, PREFIX1, ...',
  },
  'simulated-backoff-scale': {
    kind: 'string',
    placeholder: 'FACTOR',
    default: '1',
    description: 'multiplies the crash-loop backoff of simulated pods (10s doubling to 5m), e.g. 0.01',
  },
} as const;

export interface SimulatedNodeFlagValues {
  'simulated-node-cpu': string;
  'simulated-node-memory': string;
  'simulated-node-pods': number;
  'simulated-node-prefix': string;
  'simulated-backoff-scale': string;
}

const NAME_PREFIX = /^[a-z0-9]([-a-z0-9.]*[-a-z0-9.])?$/;

/** The canonical text of a capacity flag; undefined when it is not a quantity or negative. */
function capacity(text: string): string | undefined {
  const q = parseQuantity(text);
  return q && q.nano >= 0n ? formatQuantity(q) : undefined;
}

/** The config the flags describe; throws an Error with a one-line message on bad values. */
export function simulatorConfig(count: number, v: SimulatedNodeFlagValues): SimulatorConfig {
  if (count > MAX_SIMULATED_NODES)
    throw new Error(`at most ${MAX_SIMULATED_NODES} simulated nodes, not ${count}`);
  const cpu = capacity(v['simulated-node-cpu']);
  const memory = capacity(v['simulated-node-memory']);
  if (cpu === undefined)
    throw new Error(
      `--simulated-node-cpu: "${v['simulated-node-cpu']}" is not a quantity such as 32 or 3500m`,
    );
  if (memory === undefined)
    throw new Error(
      `--simulated-node-memory: "${v['simulated-node-memory']}" is not a quantity such as 256Gi`,
    );
  const pods = v['simulated-node-pods'];
  if (pods < 1 || pods > 250) throw new Error(`--simulated-node-pods must be between 1 and 250, not ${pods}`);
  const prefix = v['simulated-node-prefix'];
  if (!NAME_PREFIX.test(prefix) || prefix.length > 200)
    throw new Error(`--simulated-node-prefix: "${prefix}" does not start a valid node name`);
  const scale = Number(v['simulated-backoff-scale']);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(
      `--simulated-backoff-scale must be a number above 0 (such as 0.01), not "${v['simulated-backoff-scale']}"`,
    );
  return { count, prefix, shape: { ...DEFAULT_SHAPE, cpu, memory, pods }, backoffScale: scale };
}
