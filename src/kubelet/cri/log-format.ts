/**
 * The CRI container log line format: `<RFC3339Nano> <stdout|stderr> <F|P> <text>`, where
 * P marks a partial line continued by the next entry and F the full (last) piece. Pure:
 * parses text only, reads no files.
 */

export interface CriLogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  /** False for a partial (P) piece. */
  full: boolean;
  text: string;
}

const LINE = /^(\S+) (stdout|stderr) ([FP]) (.*)$/;

/** Parses one log line; undefined if it is not in CRI format. */
export function parseCriLogLine(line: string): CriLogEntry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, time, stream, tag, text] = m;
  if (Number.isNaN(Date.parse(time!))) return undefined;
  return { time: time!, stream: stream as 'stdout' | 'stderr', full: tag === 'F', text: text ?? '' };
}

/** Parses a log file's contents into lines of text, joining partial pieces. */
export function parseCriLog(contents: string): { stream: 'stdout' | 'stderr'; time: string; text: string }[] {
  const out: { stream: 'stdout' | 'stderr'; time: string; text: string }[] = [];
  const pending = new Map<string, string>();
  for (const line of contents.split('\n')) {
    if (line === '') continue;
    const e = parseCriLogLine(line);
    if (!e) continue;
    const text = (pending.get(e.stream) ?? '') + e.text;
    if (e.full) {
      pending.delete(e.stream);
      out.push({ stream: e.stream, time: e.time, text });
    } else pending.set(e.stream, text);
  }
  return out;
}
