/**
 * Resident memory of a process from /proc/PID/status (VmRSS), sampled a few times and
 * summarised by the median so that a garbage collection in the middle does not decide the
 * figure, and the PIDs of a process's direct children (to find the containerd a server
 * started). Reads only; never signals a process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const MIB = 1024 * 1024;

/** VmRSS of `pid` in MiB, or undefined when the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / MIB : undefined;
  } catch {
    return undefined;
  }
}

/** The median of `samples` readings of VmRSS taken `intervalMs` apart, in MiB. */
export async function sampledRssMiB(pid: number, samples = 7, intervalMs = 500): Promise<number> {
  const seen: number[] = [];
  for (let i = 0; i < samples; i++) {
    const v = rssMiB(pid);
    if (v !== undefined) seen.push(v);
    if (i < samples - 1) await sleep(intervalMs);
  }
  if (seen.length === 0) throw new Error(`process ${pid} is gone`);
  seen.sort((a, b) => a - b);
  return seen[Math.floor(seen.length / 2)]!;
}

/** Direct children of `pid` (from /proc/PID/task/TID/children). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    const text = (() => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      } catch {
        return '';
      }
    })();
    for (const p of text.split(/\s+/)) if (p) out.push(Number(p));
  }
  return out;
}

/** The first direct child of `pid` whose command name is `comm`, if any. */
export function childNamed(pid: number, comm: string): number | undefined {
  return childPids(pid).find((c) => {
    try {
      return readFileSync(`/proc/${c}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}
