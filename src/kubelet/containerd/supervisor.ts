/**
 * Runs one containerd as a child process: writes its config (./files.ts), starts
 * `containerd --config FILE`, waits (bounded) until its socket accepts connections,
 * restarts it with backoff when it dies, and on close() stops it with SIGTERM, then
 * SIGKILL after a bounded wait. It does not touch containers: shims and pods outlive a
 * containerd restart by design, and removing them is the kubelet's job.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, DEFAULT_BACKOFF, restartDelay } from './backoff.js';
import { findContainerdBinaries } from './binaries.js';
import type { ContainerdConfigOptions, ContainerdLayout } from './config.js';
import { writeContainerdFiles } from './files.js';
import { stopStaleContainerd } from './processes.js';

export interface ContainerdSupervisorOptions extends ContainerdConfigOptions {
  /** Program to run (default `containerd` on PATH). */
  containerdBinary?: string;
  /** How long start() waits for the socket (default 20 s). */
  readyTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Told of starts, exits and restarts; must not throw. */
  onEvent?: (event: SupervisorEvent) => void;
}

export type SupervisorEvent =
  | { type: 'started'; pid: number }
  | { type: 'exited'; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'restarting'; delayMs: number; failures: number }
  | { type: 'error'; error: Error }
  | { type: 'stale-stopped'; pids: number[] };

/** Resolves when `socket` accepts a connection; rejects at the deadline or on abort. */
export async function waitForSocket(socket: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(socket);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (deadline.aborted) throw new Error(`containerd socket ${socket} not ready within ${timeoutMs} ms`);
    await sleep(25, undefined, { signal: deadline }).catch(() => undefined);
  }
}

export class ContainerdSupervisor {
  readonly #opts: ContainerdSupervisorOptions;
  #layout: ContainerdLayout | undefined;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #closing = false;
  #failures = 0;
  readonly #stop = new AbortController();
  #binary = 'containerd';

  constructor(opts: ContainerdSupervisorOptions) {
    this.#opts = opts;
  }

  /** The instance's paths (after start()). */
  get layout(): ContainerdLayout {
    if (!this.#layout) throw new Error('containerd supervisor not started');
    return this.#layout;
  }

  /** PID of the running containerd, if any. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /**
   * Writes the config, starts containerd and waits until its socket answers. On failure
   * the child is stopped and the supervisor is closed.
   */
  async start(signal: AbortSignal): Promise<void> {
    const bins = await findContainerdBinaries(this.#opts.containerdBinary, this.#opts.runcBinary);
    this.#binary = bins.containerd;
    this.#layout = await writeContainerdFiles(this.#opts);
    // A containerd on this config whose supervisor was killed would keep the socket and
    // the metadata lock: it is stopped first (its shims and containers keep running).
    const stale = await stopStaleContainerd(this.#layout.configFile);
    if (stale.length > 0) this.#emit({ type: 'stale-stopped', pids: stale });
    this.#spawn();
    const ready = AbortSignal.any([signal, this.#stop.signal]);
    const died = this.#exited.then(() => {
      throw new Error(`containerd exited during start; see ${this.layout.log}`);
    });
    try {
      await Promise.race([
        waitForSocket(this.layout.socket, this.#opts.readyTimeoutMs ?? 20_000, ready),
        died,
      ]);
    } finally {
      died.catch(() => undefined);
    }
  }

  #spawn(): void {
    const l = this.layout;
    const log = openSync(l.log, 'a');
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(this.#binary, ['--config', l.configFile], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.#child = child;
    this.#exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.#emit({ type: 'error', error });
        resolve();
      });
      child.once('exit', (code, sig) => {
        this.#emit({ type: 'exited', pid: child.pid ?? -1, code, signal: sig });
        resolve();
        if (!this.#closing) this.#scheduleRestart(Date.now() - startedAt);
      });
    });
    if (child.pid !== undefined) this.#emit({ type: 'started', pid: child.pid });
  }

  #scheduleRestart(ranMs: number): void {
    const policy = this.#opts.backoff ?? DEFAULT_BACKOFF;
    if (ranMs >= policy.resetAfterMs) this.#failures = 0;
    this.#failures++;
    const delayMs = restartDelay(policy, this.#failures, ranMs);
    this.#emit({ type: 'restarting', delayMs, failures: this.#failures });
    sleep(delayMs, undefined, { signal: this.#stop.signal }).then(
      () => {
        if (!this.#closing) this.#spawn();
      },
      () => undefined,
    );
  }

  #emit(e: SupervisorEvent): void {
    this.#opts.onEvent?.(e);
  }

  /** True if the current child exits within `ms`; the timer is cleared either way. */
  async #exitsWithin(ms: number): Promise<boolean> {
    const timer = new AbortController();
    try {
      return await Promise.race([this.#exited.then(() => true), sleep(ms, false, { signal: timer.signal })]);
    } finally {
      timer.abort();
    }
  }

  /** Stops containerd: SIGTERM, then SIGKILL after the stop timeout. Idempotent. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#stop.abort();
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await this.#exitsWithin(this.#opts.stopTimeoutMs ?? 10_000)) return;
    child.kill('SIGKILL');
    if (!(await this.#exitsWithin(5_000)))
      throw new Error(`containerd (pid ${child.pid}) did not exit after SIGKILL`);
  }
}
