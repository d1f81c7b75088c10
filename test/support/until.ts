export interface UntilOptions {
  /** Pause between tries (default 200 ms). */
  everyMs?: number;
  /** Added to the timeout's message (a server's recent log, say). */
  detail?: () => string;
}

/** Polls `f` until it gives a value (not undefined); fails after `ms`. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 30_000,
  opts: UntilOptions = {},
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      const detail = opts.detail ? `\n${opts.detail()}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 200));
  }
}
