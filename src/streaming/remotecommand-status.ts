/**
 * The remote-command protocol's names and the metav1.Status values its error channel
 * carries, shaped and ordered as Kubernetes' Go JSON encoding writes them (so
 * `{"metadata":{},"status":"Success"}`; an exit code as reason NonZeroExitCode with a
 * cause whose `reason` is ExitCode). Also the text form older protocol versions use.
 * Pure: no I/O.
 */

export const StreamProtocolV1 = 'channel.k8s.io';
export const StreamProtocolV2 = 'v2.channel.k8s.io';
export const StreamProtocolV3 = 'v3.channel.k8s.io';
export const StreamProtocolV4 = 'v4.channel.k8s.io';
export const StreamProtocolV5 = 'v5.channel.k8s.io';
export const Base64ProtocolV1 = 'base64.channel.k8s.io';
export const Base64ProtocolV4 = 'v4.base64.channel.k8s.io';
export const PortForwardProtocolV1 = 'portforward.k8s.io';
export const TunnelingPrefix = 'SPDY/3.1+';

export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.Status as JSON (field order as Go writes it). */
export interface Status {
  kind?: string;
  apiVersion?: string;
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: StatusCause[] };
  code?: number;
}

/** Width and Height of a terminal, as clients send them. */
export interface TerminalSize {
  Width: number;
  Height: number;
}

export function successStatus(): Status {
  return { metadata: {}, status: 'Success' };
}

/** The Status of a command that exited with `exitCode` (not 0). */
export function exitCodeStatus(exitCode: number, message?: string): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: message ?? `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** apierrors.NewInternalError(err) */
export function internalErrorStatus(message: string): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** The exit code a Status carries: 0 for Success, the ExitCode cause, or undefined. */
export function statusExitCode(s: Status): number | undefined {
  if (s.status === 'Success') return 0;
  if (s.reason !== 'NonZeroExitCode') return undefined;
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return Number.isInteger(n) ? n : undefined;
}

/** Reads an error-channel payload: JSON Status (v4+), plain text (v1-v3), or empty. */
export function parseStatus(payload: string): Status {
  const text = payload.trim();
  if (!text) return successStatus();
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text) as Partial<Status>;
      if (v.status === 'Success' || v.status === 'Failure') return { ...v, metadata: {} } as Status;
    } catch {
      // not JSON: an old-protocol message
    }
  }
  return { metadata: {}, status: 'Failure', message: text };
}

/** What goes on the error channel for `protocol`: JSON from v4 on, the message before (nothing on success). */
export function encodeStatus(protocol: string, s: Status): Buffer {
  if (usesJsonStatus(protocol)) {
    const { kind, apiVersion, metadata, status, message, reason, details, code } = s;
    return Buffer.from(
      JSON.stringify({ kind, apiVersion, metadata, status, message, reason, details, code }),
    );
  }
  return Buffer.from(s.status === 'Success' ? '' : (s.message ?? ''));
}

export function usesJsonStatus(protocol: string): boolean {
  return protocol === StreamProtocolV4 || protocol === StreamProtocolV5 || protocol === Base64ProtocolV4;
}

/**
 * Splits a stream of concatenated JSON objects (the SPDY resize stream) into whole
 * objects: feed text, get the complete object texts; the remainder is kept.
 */
export class JsonObjectSplitter {
  #buf = '';

  push(text: string): string[] {
    this.#buf += text;
    const out: string[] = [];
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = -1;
    let consumed = 0;
    for (let i = 0; i < this.#buf.length; i++) {
      const c = this.#buf[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') {
        if (depth++ === 0) start = i;
      } else if (c === '}' && depth > 0 && --depth === 0) {
        out.push(this.#buf.slice(start, i + 1));
        consumed = i + 1;
      }
    }
    this.#buf = this.#buf.slice(consumed);
    if (this.#buf.length > 65536) this.#buf = '';
    return out;
  }
}

/** A TerminalSize from JSON text, or undefined when it is not one. */
export function parseTerminalSize(text: string): TerminalSize | undefined {
  try {
    const v = JSON.parse(text) as Partial<TerminalSize>;
    const w = Number(v.Width ?? 0);
    const h = Number(v.Height ?? 0);
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 0 || h < 0 || w > 65535 || h > 65535)
      return undefined;
    return { Width: w, Height: h };
  } catch {
    return undefined;
  }
}
