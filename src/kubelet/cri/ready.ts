/**
 * Waiting for a CRI runtime to serve: containerd accepts connections on its socket before
 * its CRI service has finished initializing (after a restart it first reloads every
 * sandbox and container it had), and answers CRI calls with `server is not initialized
 * yet` meanwhile. The kubelet asks for the runtime's version until it gets one, bounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CriClient } from './client.js';

type VersionResponse = Awaited<ReturnType<CriClient['version']>>;

export async function waitForRuntime(
  cri: Pick<CriClient, 'version'>,
  signal: AbortSignal,
  timeoutMs = 120_000,
  intervalMs = 100,
): Promise<VersionResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await cri.version({ signal, timeoutMs: 10_000 });
    } catch (err) {
      if (signal.aborted || Date.now() + intervalMs > deadline) throw err;
    }
    await sleep(intervalMs, undefined, { signal });
  }
}
