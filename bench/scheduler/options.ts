/**
 * Command-line options of the scheduler benchmark. `--quick` scales the pod counts down
 * (the node count stays 5,000: it is what each decision pays for); explicit flags win.
 */

export const SCENARIOS = ['basic', 'basic-large', 'spread', 'node-affinity', 'anti-affinity'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Options {
  nodes: number;
  /** Pods per scenario. */
  pods: Record<ScenarioName, number>;
  scenarios: ScenarioName[];
  /** Pod creates in flight at once. */
  concurrency: number;
  /** Write a server CPU profile per scenario under this directory and print its hotspots. */
  profileDir?: string;
  /** Skip the in-process decision-rate and API-ceiling references. */
  skipReferences: boolean;
}

const FULL: Record<ScenarioName, number> = {
  basic: 10_000,
  'basic-large': 50_000,
  spread: 10_000,
  'node-affinity': 10_000,
  'anti-affinity': 2_000,
};

const QUICK: Record<ScenarioName, number> = {
  basic: 2_000,
  'basic-large': 5_000,
  spread: 2_000,
  'node-affinity': 2_000,
  'anti-affinity': 500,
};

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const opts: Options = {
    nodes: 5000,
    pods: { ...(quick ? QUICK : FULL) },
    scenarios: [...SCENARIOS],
    concurrency: 128,
    skipReferences: argv.includes('--no-references'),
  };
  const nodes = value('nodes');
  if (nodes !== undefined) opts.nodes = Number(nodes);
  const conc = value('concurrency');
  if (conc !== undefined) opts.concurrency = Number(conc);
  const pods = value('pods');
  if (pods !== undefined) for (const s of SCENARIOS) opts.pods[s] = Number(pods);
  const scenarios = value('scenarios');
  if (scenarios !== undefined) {
    opts.scenarios = scenarios.split(',').map((s) => {
      if (!(SCENARIOS as readonly string[]).includes(s))
        throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
      return s as ScenarioName;
    });
  }
  const profile = value('profile');
  if (profile !== undefined) opts.profileDir = profile;
  return opts;
}
