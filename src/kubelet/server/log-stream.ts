/**
 * Streams a CRI container log file to a writer: from the start, or from the Nth last line
 * (found by reading backwards), and with `follow` keeps reading what is appended (also
 * across a rotation, when the path is replaced by a new file) until the container is no
 * longer running and the file is drained, or the signal aborts. Polls the file; every
 * wait is bounded by the poll interval and the signal. Formatting is ./log-writer.ts.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCriLogLine } from '../cri/log-format.js';
import type { LogOptions } from './log-options.js';
import { CriLogWriter } from './log-writer.js';

const CHUNK = 64 * 1024;

export interface StreamLogParams {
  path: string;
  file: FileHandle;
  options: LogOptions;
  /** Asked while following, when the file has nothing new: false ends the stream. */
  stillRunning: () => boolean;
  /** Resolves once the chunk is accepted (the client keeps up). */
  write: (chunk: Buffer) => Promise<void>;
  signal: AbortSignal;
  pollMs?: number;
}

function isFullEntry(line: Buffer): boolean {
  return parseCriLogLine(line.toString('utf8'))?.full === true;
}

/** The offset where the last `n` complete (F-terminated) lines of the file begin. */
export async function tailStart(file: FileHandle, size: number, n: number): Promise<number> {
  if (n === 0) return size;
  let count = 0;
  let pos = size;
  let carry = Buffer.alloc(0);
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const chunk = Buffer.alloc(pos - start);
    const { bytesRead } = await file.read(chunk, 0, chunk.length, start);
    pos = start;
    const buf = Buffer.concat([chunk.subarray(0, bytesRead), carry]);
    let end = buf.length;
    for (let nl = buf.lastIndexOf(0x0a, end - 1); nl >= 0; nl = buf.lastIndexOf(0x0a, end - 1)) {
      const line = buf.subarray(nl + 1, end);
      if (line.length > 0 && isFullEntry(line) && ++count > n) return start + end + 1;
      end = nl;
    }
    carry = buf.subarray(0, end);
  }
  if (carry.length > 0 && isFullEntry(carry) && ++count > n) return carry.length + 1;
  return 0;
}

export async function streamLog(p: StreamLogParams): Promise<void> {
  const writer = new CriLogWriter({
    timestamps: p.options.timestamps,
    ...(p.options.sinceMs !== undefined ? { sinceMs: p.options.sinceMs } : {}),
    ...(p.options.limitBytes !== undefined ? { limitBytes: p.options.limitBytes } : {}),
  });
  let file = p.file;
  let ino = (await file.stat()).ino;
  let pos =
    p.options.tailLines !== undefined
      ? await tailStart(file, (await file.stat()).size, p.options.tailLines)
      : 0;
  let pending = Buffer.alloc(0);
  const buf = Buffer.alloc(CHUNK);

  const emit = async (line: Buffer): Promise<void> => {
    const out = writer.line(line.toString('utf8'));
    if (out.length > 0) await p.write(out);
  };
  /** Reads to the end of the file, writing every complete line; false once the limit is hit. */
  const drain = async (): Promise<boolean> => {
    for (;;) {
      if (p.signal.aborted || writer.done) return !writer.done;
      const { bytesRead } = await file.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) return true;
      pos += bytesRead;
      pending = Buffer.concat([pending, buf.subarray(0, bytesRead)]);
      let from = 0;
      for (let nl = pending.indexOf(0x0a); nl >= 0; nl = pending.indexOf(0x0a, from)) {
        await emit(pending.subarray(from, nl));
        from = nl + 1;
        if (writer.done || p.signal.aborted) break;
      }
      pending = pending.subarray(from);
    }
  };

  try {
    if (!(await drain())) return;
    if (!p.options.follow) {
      if (pending.length > 0) await emit(pending);
      return;
    }
    const pollMs = p.pollMs ?? 200;
    while (!p.signal.aborted) {
      const now = await stat(p.path).catch(() => undefined);
      if (now && now.ino !== ino) {
        // Rotated: the old file is drained; continue with the new one from its start.
        const next = await open(p.path, 'r').catch(() => undefined);
        if (next) {
          if (file !== p.file) await file.close();
          file = next;
          ino = (await file.stat()).ino;
          pos = 0;
          pending = Buffer.alloc(0);
          if (!(await drain())) return;
          continue;
        }
      } else if (now && now.size < pos) {
        pos = 0; // truncated in place
        pending = Buffer.alloc(0);
      }
      if (!p.stillRunning()) {
        await drain();
        return;
      }
      await sleep(pollMs, undefined, { signal: p.signal }).catch(() => undefined);
      if (!(await drain())) return;
    }
  } finally {
    if (file !== p.file) await file.close();
  }
}
