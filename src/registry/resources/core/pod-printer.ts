/**
 * kubectl's pod columns: READY (sidecars included), STATUS (with init, waiting and
 * terminated reasons), RESTARTS, AGE; -o wide adds IP and NODE.
 */
import { age } from '../../printers/age.js';
import { col, printer } from '../../printers/columns.js';
import type { KObject } from '../../types.js';

type Obj = Record<string, unknown>;
type ContainerStatus = {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: Obj;
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
  lastState?: { terminated?: { finishedAt?: string } };
};

function statuses(o: KObject, key: string): ContainerStatus[] {
  const s = (o['status'] as Obj | undefined)?.[key];
  return Array.isArray(s) ? (s as ContainerStatus[]) : [];
}

function specList(o: KObject, key: string): Obj[] {
  const l = (o['spec'] as Obj | undefined)?.[key];
  return Array.isArray(l) ? (l as Obj[]) : [];
}

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** RFC 3339 time of the last restart (a container's last termination), if any. */
  lastRestart?: string;
}

/**
 * kubectl's pod summary: READY counts regular containers and sidecars (init containers
 * with restartPolicy Always) that are ready and running; STATUS is the phase refined by
 * init and container states; RESTARTS counts every container's restarts while the pod
 * initializes, then only sidecars' and regular containers'.
 */
export function podSummary(o: KObject): Summary {
  const status = (o['status'] ?? {}) as Obj;
  let reason = (status['reason'] as string) || (status['phase'] as string) || 'Pending';
  for (const c of (status['conditions'] as Obj[] | undefined) ?? [])
    if (c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  const initSpecs = specList(o, 'initContainers');
  const sidecars = new Set(
    initSpecs.filter((c) => c['restartPolicy'] === 'Always').map((c) => String(c['name'])),
  );
  const total = specList(o, 'containers').length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let last: string | undefined;
  let sidecarLast: string | undefined;
  const later = (a: string | undefined, b: string | undefined) => (b && (!a || b > a) ? b : a);
  let initializing = false;
  const init = statuses(o, 'initContainerStatuses');
  for (let i = 0; i < init.length; i++) {
    const c = init[i] ?? {};
    const sidecar = sidecars.has(String(c.name));
    restarts += c.restartCount ?? 0;
    last = later(last, c.lastState?.terminated?.finishedAt);
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      sidecarLast = later(sidecarLast, c.lastState?.terminated?.finishedAt);
    }
    const st = c.state;
    if (st?.terminated && st.terminated.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (st?.terminated) {
      const t = st.terminated;
      reason = t.reason
        ? `Init:${t.reason}`
        : t.signal
          ? `Init:Signal:${t.signal}`
          : `Init:ExitCode:${t.exitCode}`;
    } else if (st?.waiting?.reason && st.waiting.reason !== 'PodInitializing')
      reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  const initialized = ((status['conditions'] as Obj[] | undefined) ?? []).some(
    (c) => c['type'] === 'Initialized' && c['status'] === 'True',
  );
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    last = sidecarLast;
    let hasRunning = false;
    for (const c of statuses(o, 'containerStatuses').slice().reverse()) {
      restarts += c.restartCount ?? 0;
      last = later(last, c.lastState?.terminated?.finishedAt);
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = ((status['conditions'] as Obj[] | undefined) ?? []).some(
        (c) => c['type'] === 'Ready' && c['status'] === 'True',
      );
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }
  const phase = status['phase'];
  if (o.metadata?.deletionTimestamp && status['reason'] === 'NodeLost') reason = 'Unknown';
  else if (o.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';
  return { ready, total, reason, restarts, ...(last ? { lastRestart: last } : {}) };
}

function ready(o: KObject): string {
  const s = podSummary(o);
  return `${s.ready}/${s.total}`;
}

function restarts(o: KObject, now: number): string {
  const s = podSummary(o);
  return s.restarts > 0 && s.lastRestart
    ? `${s.restarts} (${age(s.lastRestart, now)} ago)`
    : String(s.restarts);
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
      cell: (o) => podSummary(o).reason,
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
