/** A failed API call: the server's Status, with its code and reason for callers to match on. */

export interface StatusBody {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly status: StatusBody,
  ) {
    super(status.message ?? `request failed with status ${code}`);
    this.name = 'ApiStatusError';
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

export function statusFrom(code: number, body: Buffer): ApiStatusError {
  let status: StatusBody = {};
  try {
    status = JSON.parse(body.toString('utf8')) as StatusBody;
  } catch {
    status = { message: body.toString('utf8').slice(0, 200) };
  }
  return new ApiStatusError(code, status);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiStatusError && err.code === 409 && err.reason === 'Conflict';
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiStatusError && err.reason === 'AlreadyExists';
}
