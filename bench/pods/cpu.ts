/**
 * CPU time a process has used (user + system, from /proc/PID/stat, in clock ticks of
 * 10 ms as Linux reports them): read before and after a phase, it says how much CPU the
 * phase cost that process, a figure other load on the machine hardly moves. Reads only.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU times in hundredths of a second. */
const TICK_MS = 10;

/** CPU milliseconds `pid` has used so far, or undefined when it is gone. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds used between two readings (undefined when either is missing). */
export function cpuDelta(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}
