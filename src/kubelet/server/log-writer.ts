/**
 * Turns CRI log file lines into what a client of the kubelet's log endpoint reads: the
 * text of each entry in file order (a partial `P` piece without its newline, so that it
 * joins the next), optionally prefixed with its time (RFC3339Nano, trailing zeros
 * trimmed, as the kubelet prints it) at the start of each line, skipping entries older
 * than `since`, and cut at `limitBytes`. Pure: reads no files.
 */
import { parseCriLogLine } from '../cri/log-format.js';

export interface LogWriterOptions {
  timestamps: boolean;
  sinceMs?: number;
  limitBytes?: number;
}

/** A CRI time rewritten as Go's RFC3339Nano prints it: fraction without trailing zeros. */
export function formatTimestamp(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return time;
  const fraction = (m[2] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!;
  return `${m[1]}${fraction ? `.${fraction}` : ''}${zone}`;
}

export class CriLogWriter {
  private atLineStart = true;
  private written = 0;

  constructor(private readonly opts: LogWriterOptions) {}

  /** True once limitBytes has been written: nothing more will be. */
  get done(): boolean {
    return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes;
  }

  /** The output for one file line (without its '\n'); empty when it is skipped or invalid. */
  line(raw: string): Buffer {
    if (this.done) return Buffer.alloc(0);
    const entry = parseCriLogLine(raw);
    if (!entry) return Buffer.alloc(0);
    const startsLine = this.atLineStart;
    this.atLineStart = entry.full;
    if (this.opts.sinceMs !== undefined && Date.parse(entry.time) < this.opts.sinceMs) return Buffer.alloc(0);
    const prefix = this.opts.timestamps && startsLine ? `${formatTimestamp(entry.time)} ` : '';
    let out = Buffer.from(`${prefix}${entry.text}${entry.full ? '\n' : ''}`);
    if (this.opts.limitBytes !== undefined) {
      const room = this.opts.limitBytes - this.written;
      if (out.length > room) out = out.subarray(0, room);
    }
    this.written += out.length;
    return out;
  }
}
