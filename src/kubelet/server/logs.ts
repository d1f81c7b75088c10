/**
 * GET /containerLogs/{ns}/{pod}/{container}: finds the container through the PodLookup
 * and streams its CRI log file as plain text (./log-stream.ts), following it while the
 * container runs when asked. Errors are the kubelet's plain-text answers. Does not
 * authenticate (the server does) and does not know how pods are run.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { parseLogOptions } from './log-options.js';
import { streamLog } from './log-stream.js';
import { isLookupError, type PodLookup } from './lookup.js';
import { writeText } from './respond.js';

export interface LogDeps {
  lookup: PodLookup;
  now: () => number;
  pollMs?: number;
  log: (msg: string) => void;
}

export async function serveContainerLogs(
  res: ServerResponse,
  target: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
  deps: LogDeps,
): Promise<void> {
  const parsed = parseLogOptions(query, deps.now());
  if (!parsed.ok) return writeText(res, parsed.code, parsed.message);
  const { options } = parsed;
  const ref = deps.lookup.container(target.namespace, target.pod, target.container, options.previous);
  if (isLookupError(ref)) return writeText(res, ref.code, ref.message);
  let file: FileHandle | undefined;
  if (ref.logPath !== '') {
    try {
      file = await open(ref.logPath, 'r');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such file or directory' : e.message;
      return writeText(
        res,
        400,
        `failed to try resolving symlinks in path "${ref.logPath}": lstat ${ref.logPath}: ${why}`,
      );
    }
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.flushHeaders();
  if (!file) {
    res.end();
    return;
  }
  const ac = new AbortController();
  const gone = () => ac.abort();
  res.once('close', gone);
  const stillRunning = () => {
    const now = deps.lookup.container(target.namespace, target.pod, target.container, false);
    return !isLookupError(now) && now.running && now.containerId === ref.containerId;
  };
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      if (ac.signal.aborted || res.write(chunk)) return resolve();
      const done = () => {
        res.off('drain', done);
        ac.signal.removeEventListener('abort', done);
        resolve();
      };
      res.once('drain', done);
      ac.signal.addEventListener('abort', done, { once: true });
    });
  try {
    await streamLog({
      path: ref.logPath,
      file,
      options,
      stillRunning,
      write,
      signal: ac.signal,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
  } catch (err) {
    deps.log(`reading log ${ref.logPath}: ${(err as Error).message}`);
  } finally {
    await file.close();
    res.off('close', gone);
    res.end();
  }
}
