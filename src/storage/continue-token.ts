/**
 * Continue tokens for paginated lists: the revision the listing is pinned to and the key
 * the next page starts at. Opaque to callers; a malformed token is a caller error.
 */

export interface ContinuePoint {
  revision: number;
  startKey: string;
}

export class InvalidContinueError extends Error {
  constructor(token: string) {
    super(`invalid continue token: ${token.slice(0, 64)}`);
    this.name = 'InvalidContinueError';
  }
}

export function encodeContinue(point: ContinuePoint): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: point.revision, start: point.startKey })).toString(
    'base64url',
  );
}

export function decodeContinue(token: string): ContinuePoint {
  try {
    const raw: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof raw === 'object' && raw !== null) {
      const { v, rv, start } = raw as Record<string, unknown>;
      if (
        v === 1 &&
        typeof rv === 'number' &&
        Number.isSafeInteger(rv) &&
        rv > 0 &&
        typeof start === 'string'
      ) {
        return { revision: rv, startKey: start };
      }
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidContinueError(token);
}

/** The smallest key greater than `key`: where the next page starts. */
export function keyAfter(key: string): string {
  return `${key}\u0000`;
}
