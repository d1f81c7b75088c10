/**
 * Command-line options of the scale benchmark. The full size is 5,000 simulated nodes
 * and 150,000 pods (30 a node); `--quick` is 500 nodes and 15,000 pods. Explicit flags
 * win over the preset. Pure.
 */

export interface Options {
  nodes: number;
  pods: number;
  /** Pod creates in flight at once while filling the cluster. */
  concurrency: number;
  /** Mutating calls per second during the churn phase (configmaps and pods together). */
  churnRate: number;
  /** How long the churn phase runs, in seconds. */
  churnSeconds: number;
  /** How long after the first create the pods may take to be Running (then the rest is measured anyway). */
  runningTimeoutSeconds: number;
  /** Write a server CPU profile here and print its hot spots per phase. */
  profileDir?: string;
  /** Extra Node.js flags for the server process (`--node-arg --heapsnapshot-signal=SIGUSR2`). */
  nodeArgs: string[];
  /** Skip the run of the real kubectl (`kubectl get pods -A`). */
  skipKubectl: boolean;
  /** Copy the server's output here as it comes (with `--node-arg --trace-gc`: every collection). */
  serverLog?: string;
}

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number, min: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, not "${v}"`);
    return n;
  };
  const opts: Options = {
    nodes: num('nodes', quick ? 500 : 5000, 1),
    pods: num('pods', quick ? 15_000 : 150_000, 1),
    concurrency: num('concurrency', 128, 1),
    churnRate: num('churn-rate', 50, 1),
    churnSeconds: num('churn-seconds', quick ? 20 : 40, 1),
    runningTimeoutSeconds: 0,
    skipKubectl: argv.includes('--no-kubectl'),
    nodeArgs: argv.flatMap((a, i) => (a === '--node-arg' && argv[i + 1] !== undefined ? [argv[i + 1]!] : [])),
  };
  opts.runningTimeoutSeconds = num('running-timeout', Math.max(600, opts.pods / 50), 1);
  const profile = value('profile');
  if (profile !== undefined) opts.profileDir = profile;
  const log = value('server-log');
  if (log !== undefined) opts.serverLog = log;
  return opts;
}
