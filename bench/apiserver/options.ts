/**
 * Command-line options of the API server benchmark. `--quick` scales every count down
 * (about a tenth) for a smoke run; explicit flags override either preset.
 */
import type { TransportKind } from './transport.js';

export interface Options {
  /** Creates timed for the creates/s figure (and raw etcd puts). */
  creates: number;
  concurrency: number;
  /** Object counts of the two namespaces GET and LIST are measured on. */
  small: number;
  big: number;
  gets: number;
  lists: number;
  watchers: number;
  events: number;
  /** Creates in flight while watchers receive. */
  watchWriters: number;
  valueBytes: number;
  transport: TransportKind;
  backends: ('sqlite' | 'etcd')[];
  /** When set, each server runs with --cpu-prof into a directory under it and hotspots are printed. */
  profileDir?: string;
  /** Only compare the HTTP/2 and HTTP/1.1 clients' create rates, then exit. */
  compareTransports: boolean;
}

const FULL: Options = {
  creates: 20_000,
  concurrency: 64,
  small: 10_000,
  big: 100_000,
  gets: 3_000,
  lists: 20,
  watchers: 1_000,
  events: 200,
  watchWriters: 4,
  valueBytes: 1024,
  transport: 'h2',
  backends: ['sqlite', 'etcd'],
  compareTransports: false,
};

const QUICK: Partial<Options> = {
  creates: 2_000,
  small: 1_000,
  big: 10_000,
  gets: 1_000,
  lists: 10,
  watchers: 200,
  events: 50,
};

export function parseOptions(argv: string[]): Options {
  const opts: Options = { ...FULL, ...(argv.includes('--quick') ? QUICK : {}) };
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const numeric = ['creates', 'concurrency', 'small', 'big', 'gets', 'lists', 'watchers', 'events'] as const;
  for (const name of numeric) {
    const v = value(name);
    if (v !== undefined) opts[name] = Number(v);
  }
  const writers = value('watch-writers');
  if (writers !== undefined) opts.watchWriters = Number(writers);
  const transport = value('transport');
  if (transport === 'h1' || transport === 'h2') opts.transport = transport;
  else if (transport !== undefined) throw new Error(`--transport must be h1 or h2, not ${transport}`);
  const backends = value('backends');
  if (backends !== undefined) {
    opts.backends = backends.split(',').map((b) => {
      if (b !== 'sqlite' && b !== 'etcd') throw new Error(`unknown backend ${b}`);
      return b;
    });
  }
  const profile = value('profile');
  if (profile !== undefined) opts.profileDir = profile;
  opts.compareTransports = argv.includes('--compare-transports');
  if (opts.creates < opts.small) throw new Error('--creates must be at least --small');
  if (opts.big < opts.creates - opts.small) throw new Error('--big must hold the creates beyond --small');
  return opts;
}
