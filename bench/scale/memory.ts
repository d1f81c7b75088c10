/**
 * Memory of a process from /proc/PID/status: resident set now (VmRSS) and its peak
 * (VmHWM), in MiB. Reads only; never signals a process.
 */
import { readFileSync } from 'node:fs';

export interface Memory {
  rssMiB: number;
  peakMiB: number;
}

export function memoryOf(pid: number): Memory | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
