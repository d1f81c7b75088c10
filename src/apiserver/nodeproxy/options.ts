/**
 * The query options of pods/log (PodLogOptions) and of pods/exec, pods/attach and
 * pods/portforward, decoded as the API machinery decodes query parameters (400 on a
 * value that is not of its type), validated as upstream (422 Invalid for PodLogOptions),
 * and re-encoded as the kubelet's query. Pure: no I/O.
 */
import { ApiError, Errors, type StatusCause } from '../errors.js';

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

export interface StreamOptions {
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  command: string[];
}

/** Absent or empty is false; "0" and "false" (any case) are false; anything else is true. */
function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

function int64(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v))
    throw Errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n))
    throw Errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const LAYOUT = '2006-01-02T15:04:05Z07:00';

/** sinceTime as RFC3339 at second precision (how the API server forwards it), UTC. */
function time(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const ms = Date.parse(v);
  if (!RFC3339.test(v) || Number.isNaN(ms))
    throw Errors.badRequest(
      `parsing time ${JSON.stringify(v)} as ${JSON.stringify(LAYOUT)}: cannot parse ${JSON.stringify(v)} as "2006"`,
    );
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export function parsePodLogOptions(name: string, q: URLSearchParams): PodLogOptions {
  const opts: PodLogOptions = {
    container: q.get('container') ?? '',
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
  };
  const sinceSeconds = int64(q, 'sinceSeconds');
  const sinceTime = time(q, 'sinceTime');
  const tailLines = int64(q, 'tailLines');
  const limitBytes = int64(q, 'limitBytes');
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  if (sinceTime !== undefined) opts.sinceTime = sinceTime;
  if (tailLines !== undefined) opts.tailLines = tailLines;
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  validate(name, opts);
  return opts;
}

function validate(name: string, o: PodLogOptions): void {
  const causes: StatusCause[] = [];
  const texts: string[] = [];
  const invalid = (field: string, value: number, why: string) => {
    causes.push({ type: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${why}` });
    texts.push(`${field}: Invalid value: ${value}: ${why}`);
  };
  if (o.tailLines !== undefined && o.tailLines < 0)
    invalid('tailLines', o.tailLines, 'must be greater than or equal to 0');
  if (o.limitBytes !== undefined && o.limitBytes < 1)
    invalid('limitBytes', o.limitBytes, 'must be greater than 0');
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    const why = 'at most one of `sinceTime` or `sinceSeconds` may be specified';
    causes.push({ type: 'FieldValueForbidden', field: '', message: `Forbidden: ${why}` });
    texts.push(`: Forbidden: ${why}`);
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) {
    invalid('sinceSeconds', o.sinceSeconds, 'must be greater than 0');
  }
  if (causes.length === 0) return;
  const list = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  throw new ApiError(422, 'Invalid', `PodLogOptions "${name}" is invalid: ${list}`, {
    name,
    group: '',
    kind: 'PodLogOptions',
    causes,
  });
}

/** The kubelet's /containerLogs query for these options. */
export function kubeletLogQuery(o: PodLogOptions): string {
  const p = new URLSearchParams();
  if (o.follow) p.set('follow', 'true');
  if (o.limitBytes !== undefined) p.set('limitBytes', String(o.limitBytes));
  if (o.previous) p.set('previous', 'true');
  if (o.sinceSeconds !== undefined) p.set('sinceSeconds', String(o.sinceSeconds));
  if (o.sinceTime !== undefined) p.set('sinceTime', o.sinceTime);
  if (o.tailLines !== undefined) p.set('tailLines', String(o.tailLines));
  if (o.timestamps) p.set('timestamps', 'true');
  return p.toString();
}

export function parseStreamOptions(q: URLSearchParams): StreamOptions {
  return {
    container: q.get('container') ?? '',
    stdin: bool(q, 'stdin'),
    stdout: bool(q, 'stdout'),
    stderr: bool(q, 'stderr'),
    tty: bool(q, 'tty'),
    command: q.getAll('command'),
  };
}

/** The kubelet's /exec or /attach query: flags as "1", then each command word. */
export function kubeletStreamQuery(o: StreamOptions, withCommand: boolean): string {
  const p = new URLSearchParams();
  if (o.stdin) p.append('input', '1');
  if (o.stdout) p.append('output', '1');
  if (o.stderr) p.append('error', '1');
  if (o.tty) p.append('tty', '1');
  if (withCommand) for (const c of o.command) p.append('command', c);
  return p.toString();
}

/** The kubelet's /portForward query: the ports asked for, checked to be ports. */
export function kubeletPortForwardQuery(q: URLSearchParams): string {
  const ports = q
    .getAll('ports')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const port of ports) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n < 1 || n > 65535)
      throw Errors.badRequest(`invalid port ${JSON.stringify(port)}: must be between 1 and 65535, inclusive`);
  }
  return ports.length > 0 ? new URLSearchParams({ ports: ports.join(',') }).toString() : '';
}
