/**
 * The loopback registry and test images for tests that run real containers. If a registry
 * already answers at 127.0.0.1:5000 it is used (and left running); otherwise one is
 * started in a temporary directory and stopped by the returned function. The images
 * (scripts/images/build.sh) are built once per registry; the script is idempotent.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const TEST_REGISTRY = '127.0.0.1:5000';
export const PAUSE_IMAGE = `${TEST_REGISTRY}/k8ts/pause:3.10`;
export const BUSYBOX_IMAGE = `${TEST_REGISTRY}/library/busybox:1.36`;

async function answers(): Promise<boolean> {
  try {
    const res = await fetch(`http://${TEST_REGISTRY}/v2/`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Makes the registry answer and the test images present; resolves to a stop function. */
export async function ensureTestImages(signal: AbortSignal): Promise<() => Promise<void>> {
  let stop = async (): Promise<void> => undefined;
  if (!(await answers())) {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-registry-'));
    const env = { ...process.env, K8TS_REGISTRY_DIR: dir, K8TS_REGISTRY_ADDR: TEST_REGISTRY };
    try {
      await run(join(REPO, 'scripts/images/registry.sh'), ['start'], { env, signal });
      stop = async () => {
        await run(join(REPO, 'scripts/images/registry.sh'), ['stop'], { env }).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      };
    } catch (err) {
      // Another test may have started one meanwhile.
      await rm(dir, { recursive: true, force: true });
      if (!(await answers())) throw err;
    }
  }
  await run(join(REPO, 'scripts/images/build.sh'), [TEST_REGISTRY], { signal, cwd: REPO });
  return stop;
}

/** Why tests that run real containers cannot run here, or undefined. */
export async function realContainersUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root to run containers';
  for (const bin of ['containerd', 'runc']) {
    try {
      await run('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`]);
    } catch {
      return `${bin} is not installed`;
    }
  }
  return undefined;
}
