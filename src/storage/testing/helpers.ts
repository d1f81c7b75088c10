/**
 * Small helpers for storage tests: bounded reads from watch iterators and polling.
 * Every wait here has a deadline; none asserts on time.
 */
import type { WatchEvent } from '../types.js';

export const enc = (s: string): Buffer => Buffer.from(s);
export const dec = (b: Uint8Array): string => Buffer.from(b).toString();

/** Reads exactly `n` events, failing if they do not arrive within `timeoutMs`. */
export async function take(
  it: AsyncIterator<WatchEvent>,
  n: number,
  timeoutMs = 10_000,
): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const r = await withDeadline(it.next(), deadline, `waiting for event ${out.length + 1} of ${n}`);
    if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

/** Asserts that no event arrives within `ms` (used after the expected events were read). */
export async function expectQuiet(it: AsyncIterator<WatchEvent>, ms = 200): Promise<WatchEvent | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  const got = await Promise.race([it.next().then((r) => (r.done ? undefined : r.value)), quiet]);
  clearTimeout(timer);
  return got;
}

export async function withDeadline<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out ${what}`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true, at most `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
