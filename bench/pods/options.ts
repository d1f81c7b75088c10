/**
 * Command-line options of the pod startup benchmark: how many pods start one at a time,
 * how many at once, and how many run together for the memory figure. Explicit flags win
 * over the defaults (10, 20 and 50).
 */

export interface Options {
  /** Pods started one after another. */
  serial: number;
  /** Pods started at once. */
  burst: number;
  /** Pods running together when the server's memory is read under load. */
  running: number;
}

export function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
    return n;
  };
  const opts = { serial: value('serial', 10), burst: value('burst', 20), running: value('running', 50) };
  if (opts.running < opts.serial + opts.burst) opts.running = opts.serial + opts.burst;
  return opts;
}
