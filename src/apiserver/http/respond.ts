/** Writing responses: JSON bodies, Status errors, and the one place that turns unknown errors into a 500. */
import { ApiError, Errors } from '../errors.js';
import type { Req, Res } from './types.js';

export function writeJson(res: Res, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  // Encoded once: the length is the buffer's, not a second pass over the text.
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'content-type': contentType, 'content-length': String(data.byteLength) });
  res.end(data);
}

export function writeText(res: Res, code: number, text: string): void {
  res.writeHead(code, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Writes `err` as a Status; anything that is not an ApiError is logged and becomes a 500. */
export function writeError(req: Req, res: Res, err: unknown, log: (msg: string) => void): ApiError {
  let api: ApiError;
  if (err instanceof ApiError) {
    api = err;
  } else {
    log(`internal error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
    api = Errors.internal((err as Error)?.message ?? String(err));
  }
  if (res.headersSent) {
    res.end();
    return api;
  }
  const headers: Record<string, string> = {};
  if (api.details?.retryAfterSeconds) headers['retry-after'] = String(api.details.retryAfterSeconds);
  const data = Buffer.from(JSON.stringify(api.status));
  res.writeHead(api.code, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(data.length),
  });
  res.end(data);
  return api;
}
