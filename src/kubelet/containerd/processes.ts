/**
 * Processes found by their command line: the containerd, shims and runc of one node's
 * directory (for `k8ts killall`), and a containerd left running on the node's config by a
 * process that was killed before it could stop it (stopped before a new one starts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** PIDs of processes (other than this one) whose command line mentions `needle`. */
export async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) found.push(Number(name));
  }
  return found;
}

/** True while a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a process that may already be gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops every process whose command line is `containerd --config <configFile>`: SIGTERM,
 * then SIGKILL after `graceMs`. Returns the PIDs it found.
 */
export async function stopStaleContainerd(configFile: string, graceMs = 10_000): Promise<number[]> {
  const pids = await processesMentioning(`--config\0${configFile}\0`);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(50);
  return pids;
}
