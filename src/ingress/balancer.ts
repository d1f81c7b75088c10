/**
 * Round-robin choice among a backend's endpoints. The position of each backend survives
 * routing-table rebuilds (it is keyed by the backend's identity, not the table), so a
 * steady stream of changes elsewhere in the cluster does not reset the rotation. Pure.
 */
import type { Backend, Endpoint } from './types.js';

export class RoundRobin {
  private readonly positions = new Map<string, number>();

  /** The next endpoint of `backend`, or undefined when it has none. */
  pick(backend: Backend): Endpoint | undefined {
    const n = backend.endpoints.length;
    if (n === 0) return undefined;
    const i = this.positions.get(backend.key) ?? 0;
    this.positions.set(backend.key, (i + 1) % n);
    return backend.endpoints[i % n];
  }

  /** Forgets the positions of backends not in `keys` (after a table rebuild). */
  retain(keys: Set<string>): void {
    for (const k of this.positions.keys()) if (!keys.has(k)) this.positions.delete(k);
  }
}
