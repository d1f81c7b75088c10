/**
 * A real single-node cluster for end-to-end tests with containers: the test images in the
 * local registry, a `k8ts server` running its own kubelet (a data directory of its own,
 * `--kubelet-port 0`), the real kubectl with its own cache directory, and the node Ready.
 * stop() stops the server by PID, removes the node's pods and network (k8ts killall), its
 * data, the kubectl cache and the registry if this fixture started it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubectlFor } from './kubectl.js';
import { ensureTestImages } from './registry.js';
import { killNode, type RunningServer, startServer } from './server.js';

export interface RealNode {
  server: RunningServer;
  kubectl: ReturnType<typeof kubectlFor>;
  /** A temporary directory of the test's own (kubectl's cache lives there too). */
  dir: string;
  /** `kubectl apply -f -` of `yaml`; fails the test when kubectl does. */
  apply(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRealNode(
  nodeName: string,
  opts: { args?: string[]; imagesTimeoutMs?: number } = {},
): Promise<RealNode> {
  const stopRegistry = await ensureTestImages(AbortSignal.timeout(opts.imagesTimeoutMs ?? 120_000));
  const dir = await mkdtemp(join(tmpdir(), `k8ts-${nodeName}-`));
  let server: RunningServer | undefined;
  const stop = async (): Promise<void> => {
    await server?.stop();
    if (server) {
      await killNode(server.dataDir);
      await rm(server.dataDir, { recursive: true, force: true });
    }
    await stopRegistry();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    server = await startServer({
      agent: true,
      keepDataDir: true,
      args: ['--kubelet-port', '0', '--node-name', nodeName, ...(opts.args ?? [])],
    });
    const kubectl = kubectlFor(server.kubeconfig, dir);
    for (let i = 0; i < 120 && (await kubectl(['get', 'node', nodeName])).code !== 0; i++) await sleep(500);
    const ready = await kubectl(['wait', '--for=condition=Ready', `node/${nodeName}`, '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    assert.equal(ready.code, 0, `node not ready: ${ready.stderr}\n${server.output()}`);
    return {
      server,
      kubectl,
      dir,
      async apply(yaml: string) {
        const r = await kubectl(['apply', '-f', '-'], { input: yaml });
        assert.equal(r.code, 0, r.stderr);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
