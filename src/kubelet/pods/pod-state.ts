/**
 * What the kubelet remembers about a pod between syncs: when it first saw it, why each
 * container is waiting, the crash-loop back-off of each container (10 s doubling to
 * 5 min, forgotten after 10 min without a restart), kill requests from failed probes,
 * containers it stopped itself (so that exit 137 is not taken for an OOM), termination
 * messages read, the status and the /etc/hosts content last written, and a terminal
 * phase once reached.
 */
import type { Obj } from './deps.js';

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
const BACKOFF_RESET_MS = 600_000;

export interface Backoff {
  delayMs: number;
  lastUpdate: number;
}

export class PodState {
  readonly startTime: number;
  readonly waiting = new Map<string, { reason: string; message?: string }>();
  readonly backoff = new Map<string, Backoff>();
  /** Container id -> why it must be killed and restarted (failed liveness/startup). */
  readonly killRequests = new Map<string, string>();
  readonly killedByKubelet = new Set<string>();
  readonly messages = new Map<string, string>();
  /** Sandbox id -> pod IP. */
  readonly sandboxIPs = new Map<string, string>();
  written?: { over: string; status: Obj };
  /** The managed /etc/hosts as last written: rewritten only when its content changes. */
  hosts?: { path: string; content: string };
  terminal?: { phase: string; reason?: string; message?: string };
  lastMountError?: string;
  dnsWarned = false;

  constructor(now: number) {
    this.startTime = now;
  }

  /**
   * For a container that exited and must restart: undefined when it may restart now
   * (and the back-off grows), else the back-off in force.
   */
  restartBlocked(name: string, now: number, scale = 1): Backoff | undefined {
    const b = this.backoff.get(name);
    if (b && now - b.lastUpdate < b.delayMs * scale) return b;
    if (!b || now - b.lastUpdate > BACKOFF_RESET_MS * scale)
      this.backoff.set(name, { delayMs: BACKOFF_INITIAL_MS, lastUpdate: now });
    else this.backoff.set(name, { delayMs: Math.min(BACKOFF_MAX_MS, b.delayMs * 2), lastUpdate: now });
    return undefined;
  }
}

/** `10s`, `1m20s`, `5m0s` as Go prints durations in back-off messages. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m${s % 60}s`;
}
