/** kubectl's pod columns: READY, STATUS (with waiting/terminated reasons), RESTARTS, AGE; -o wide adds IP and NODE. */
import { age } from '../../printers/age.js';
import { col, printer } from '../../printers/columns.js';
import type { KObject } from '../../types.js';

type Obj = Record<string, unknown>;
type ContainerStatus = {
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
  lastState?: { terminated?: { finishedAt?: string } };
};

function statuses(o: KObject, key: string): ContainerStatus[] {
  const s = (o['status'] as Obj | undefined)?.[key];
  return Array.isArray(s) ? (s as ContainerStatus[]) : [];
}

/** The STATUS column: the pod phase refined by container states, as kubectl prints it. */
export function podStatusReason(o: KObject): string {
  const status = (o['status'] ?? {}) as Obj;
  let reason = (status['reason'] as string) || (status['phase'] as string) || 'Pending';
  const init = statuses(o, 'initContainerStatuses');
  const initCount =
    ((o['spec'] as Obj | undefined)?.['initContainers'] as unknown[] | undefined)?.length ?? 0;
  for (let i = 0; i < init.length; i++) {
    const st = init[i]!.state;
    if (st?.terminated && st.terminated.exitCode === 0) continue;
    if (st?.terminated) reason = `Init:${st.terminated.reason || `ExitCode:${st.terminated.exitCode}`}`;
    else if (st?.waiting?.reason && st.waiting.reason !== 'PodInitializing')
      reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${initCount}`;
    return o.metadata?.deletionTimestamp ? 'Terminating' : reason;
  }
  for (const c of statuses(o, 'containerStatuses').slice().reverse()) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state?.terminated) {
      reason = c.state.terminated.signal
        ? `Signal:${c.state.terminated.signal}`
        : `ExitCode:${c.state.terminated.exitCode}`;
    }
  }
  if (o.metadata?.deletionTimestamp) reason = status['reason'] === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function ready(o: KObject): string {
  const total = ((o['spec'] as Obj | undefined)?.['containers'] as unknown[] | undefined)?.length ?? 0;
  const n = statuses(o, 'containerStatuses').filter((c) => c.ready).length;
  return `${n}/${total}`;
}

function restarts(o: KObject, now: number): string {
  let count = 0;
  let last: string | undefined;
  for (const c of statuses(o, 'containerStatuses')) {
    count += c.restartCount ?? 0;
    const fin = c.lastState?.terminated?.finishedAt;
    if (fin && (!last || fin > last)) last = fin;
  }
  return count > 0 && last ? `${count} (${age(last, now)} ago)` : String(count);
}

const str = (o: KObject, f: (s: Obj) => unknown): string => {
  const v = f((o['status'] ?? {}) as Obj);
  return typeof v === 'string' && v ? v : '<none>';
};

export const POD_PRINTER = printer(
  [
    {
      column: col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      cell: ready,
    },
    {
      column: col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      cell: podStatusReason,
    },
    {
      column: col(
        'Restarts',
        'string',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      cell: restarts,
    },
  ],
  [
    {
      column: col('IP', 'string', 'IP address allocated to the pod.'),
      cell: (o) => str(o, (s) => s['podIP']),
    },
    {
      column: col('Node', 'string', 'Name of the node this pod is running on.'),
      cell: (o) => ((o['spec'] as Obj | undefined)?.['nodeName'] as string) || '<none>',
    },
    {
      column: col('Nominated Node', 'string', 'Name of the node this pod is nominated to run on.'),
      cell: (o) => str(o, (s) => s['nominatedNodeName']),
    },
    { column: col('Readiness Gates', 'string', 'The readiness gates of this pod.'), cell: () => '<none>' },
  ],
);
