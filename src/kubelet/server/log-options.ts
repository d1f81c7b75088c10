/**
 * The kubelet's container-log query: follow, previous, timestamps, tailLines (or the
 * older `tail`, where "all" means every line), sinceSeconds, sinceTime and limitBytes,
 * decoded as the API machinery decodes query parameters and validated as PodLogOptions.
 * Pure: no I/O. Answers with the kubelet's own error texts (400 undecodable, 422 invalid).
 */

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Only lines at or after this time (ms since the epoch), from sinceSeconds or sinceTime. */
  sinceMs?: number;
}

export type LogOptionsResult =
  | { ok: true; options: LogOptions }
  | { ok: false; code: number; message: string };

/** A boolean query parameter: absent is false, "0"/"false" are false, anything else true. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** An int64 query parameter; undefined when absent or empty, NaN when not an integer. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  return /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
}

export function parseLogOptions(query: URLSearchParams, now: number): LogOptionsResult {
  const q = new URLSearchParams(query);
  const tail = q.get('tail');
  if (tail !== null && tail !== '' && tail !== 'all') q.set('tailLines', tail);
  const tailLines = queryInt(q, 'tailLines');
  const limitBytes = queryInt(q, 'limitBytes');
  const sinceSeconds = queryInt(q, 'sinceSeconds');
  const sinceTimeText = q.get('sinceTime');
  const sinceTime = sinceTimeText ? Date.parse(sinceTimeText) : undefined;
  const undecodable = { ok: false as const, code: 400, message: '{"message": "Unable to decode query."}' };
  if ([tailLines, limitBytes, sinceSeconds].some((n) => Number.isNaN(n))) return undecodable;
  if (sinceTime !== undefined && (Number.isNaN(sinceTime) || !RFC3339.test(sinceTimeText!)))
    return undecodable;
  const invalid =
    (tailLines !== undefined && tailLines < 0) ||
    (limitBytes !== undefined && limitBytes < 1) ||
    (sinceSeconds !== undefined && sinceTime !== undefined) ||
    (sinceSeconds !== undefined && sinceSeconds < 1);
  if (invalid) return { ok: false, code: 422, message: '{"message": "Invalid request."}' };
  const options: LogOptions = {
    follow: queryBool(q, 'follow'),
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
  };
  if (tailLines !== undefined) options.tailLines = tailLines;
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  if (sinceSeconds !== undefined) options.sinceMs = now - sinceSeconds * 1000;
  if (sinceTime !== undefined) options.sinceMs = sinceTime;
  return { ok: true, options };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
