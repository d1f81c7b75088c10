/**
 * The kubelet's whole eviction configuration, as upstream parses its flags: hard thresholds
 * (./thresholds.ts), soft thresholds (`--eviction-soft`, same syntax, no defaults), each
 * with its grace period (`--eviction-soft-grace-period signal=duration`, required for
 * every soft threshold), and minimum reclaims (`--eviction-minimum-reclaim
 * signal=quantity|percent`) that apply to the hard and the soft threshold of a signal. A
 * threshold with a grace period of 0 is hard: it acts at once and kills with no grace.
 * Pure; bad input throws ThresholdError with upstream's wording.
 */
import { unitValueOf as value } from '../../api/quantity/index.js';
import { parseDuration } from '../simulated/duration.js';
import {
  parseEvictionHard,
  parseThreshold,
  SIGNALS,
  type Signal,
  type Threshold,
  ThresholdError,
} from './thresholds.js';

/** An amount to reclaim beyond a threshold: a quantity, or a fraction of capacity. */
export interface Reclaim {
  quantity?: number;
  percentage?: number;
}

/** A threshold with what eviction does about it. */
export interface EvictionThreshold extends Threshold {
  /** How long it must be met before pods are evicted for it (0 or absent: a hard threshold). */
  gracePeriodMs?: number;
  minReclaim?: Reclaim;
}

export interface EvictionFlags {
  hard: readonly string[];
  soft: readonly string[];
  softGracePeriod: readonly string[];
  minimumReclaim: readonly string[];
}

const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

function isSignal(s: string): s is Signal {
  return (SIGNALS as readonly string[]).includes(s);
}

/** `signal=value` statements by signal; a signal given twice is an error. */
function statements(items: readonly string[], what: string, expected: string): Map<Signal, string> {
  const out = new Map<Signal, string>();
  for (const item of items) {
    const parts = item.split('=');
    if (parts.length !== 2)
      throw new ThresholdError(`invalid eviction ${what} syntax ${item}, expected ${expected}`);
    const [name = '', val = ''] = parts.map((p) => p.trim());
    if (!isSignal(name)) throw new ThresholdError(`unsupported eviction signal ${name}`);
    if (out.has(name)) throw new ThresholdError(`duplicate eviction ${what} specified for ${name}`);
    out.set(name, val);
  }
  return out;
}

export function parseGracePeriods(items: readonly string[]): Map<Signal, number> {
  const out = new Map<Signal, number>();
  for (const [signal, val] of statements(items, 'grace period', '<signal>=<duration>')) {
    if (val.startsWith('-'))
      throw new ThresholdError(`invalid eviction grace period specified: ${val}, must be a positive value`);
    try {
      out.set(signal, parseDuration(val));
    } catch {
      throw new ThresholdError(`invalid eviction grace period for ${signal}: "${val}" is not a duration`);
    }
  }
  return out;
}

export function parseMinimumReclaims(items: readonly string[]): Map<Signal, Reclaim> {
  const out = new Map<Signal, Reclaim>();
  for (const [signal, val] of statements(items, 'minimum reclaim', '<signal>=<value>')) {
    if (val.endsWith('%')) {
      const n = Number(val.slice(0, -1));
      if (val.length === 1 || !Number.isFinite(n))
        throw new ThresholdError(`eviction minimum reclaim ${signal}: "${val}" is not a percentage`);
      if (n <= 0)
        throw new ThresholdError(`eviction percentage minimum reclaim ${signal} must be positive: ${val}`);
      out.set(signal, { percentage: n / 100 });
      continue;
    }
    if (!QUANTITY.test(val))
      throw new ThresholdError(`eviction minimum reclaim ${signal}: "${val}" is not a quantity`);
    if (val.startsWith('-'))
      throw new ThresholdError(`negative eviction minimum reclaim specified for ${signal}`);
    out.set(signal, { quantity: value(val) });
  }
  return out;
}

/** Runs `f`, naming `flag` in a ThresholdError it throws. */
function forFlag<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ThresholdError) throw new ThresholdError(`--${flag}: ${err.message}`);
    throw err;
  }
}

/** Hard and soft thresholds with their grace periods and minimum reclaims. */
export function parseEvictionConfig(f: EvictionFlags): EvictionThreshold[] {
  const hard = forFlag('eviction-hard', () => parseEvictionHard(f.hard));
  const graces = forFlag('eviction-soft-grace-period', () => parseGracePeriods(f.softGracePeriod));
  const reclaims = forFlag('eviction-minimum-reclaim', () => parseMinimumReclaims(f.minimumReclaim));
  const soft = forFlag('eviction-soft', () =>
    f.soft
      .map((item) => parseThreshold(item))
      .filter((t): t is Threshold => t !== undefined)
      .map((t): EvictionThreshold => {
        const grace = graces.get(t.signal);
        if (grace === undefined)
          throw new ThresholdError(
            `grace period must be specified for the soft eviction threshold ${t.signal}`,
          );
        return { ...t, gracePeriodMs: grace };
      }),
  );
  return [...hard.map((t): EvictionThreshold => ({ ...t, gracePeriodMs: 0 })), ...soft].map((t) => {
    const r = reclaims.get(t.signal);
    return r ? { ...t, minReclaim: r } : t;
  });
}

export function isHard(t: EvictionThreshold): boolean {
  return !t.gracePeriodMs;
}

/** The amount a minimum reclaim stands for against `capacity`. */
export function reclaimQuantity(r: Reclaim | undefined, capacity: number): number {
  if (!r) return 0;
  if (r.quantity !== undefined) return r.quantity;
  return Math.floor(capacity * (r.percentage ?? 0));
}
