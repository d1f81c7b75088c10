/**
 * Joins identical concurrent work: while a pull for a key is under way, a second caller
 * with the same key waits for that pull instead of starting its own. Each caller has its
 * own AbortSignal: an aborting caller stops waiting at once, and the shared work is
 * cancelled only when every caller has gone. It does not cache results: once the work
 * settles, the next caller starts afresh.
 */

interface Flight<T> {
  promise: Promise<T>;
  waiters: number;
  controller: AbortController;
}

export class SharedWork<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** How many keys have work under way. */
  get size(): number {
    return this.#flights.size;
  }

  /** Runs `work` for `key`, or joins the run already under way; `shared` tells which. */
  run(
    key: string,
    signal: AbortSignal,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ value: T; shared: boolean }> {
    if (signal.aborted) return Promise.reject(signal.reason);
    let flight = this.#flights.get(key);
    const shared = flight !== undefined;
    if (!flight) {
      const controller = new AbortController();
      const f: Flight<T> = {
        promise: Promise.resolve().then(() => work(controller.signal)),
        waiters: 0,
        controller,
      };
      const forget = (): void => {
        if (this.#flights.get(key) === f) this.#flights.delete(key);
      };
      f.promise.then(forget, forget);
      this.#flights.set(key, f);
      flight = f;
    }
    const f = flight;
    f.waiters++;
    return new Promise((resolve, reject) => {
      let done = false;
      const leave = (): boolean => {
        if (done) return false;
        done = true;
        f.waiters--;
        signal.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        if (f.waiters === 0) {
          f.controller.abort(signal.reason);
          if (this.#flights.get(key) === f) this.#flights.delete(key);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (value) => {
          if (leave()) resolve({ value, shared });
        },
        (err: unknown) => {
          if (leave()) reject(err);
        },
      );
    });
  }
}
