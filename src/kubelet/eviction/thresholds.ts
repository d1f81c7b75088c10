/**
 * Hard eviction thresholds as the kubelet takes them: `--eviction-hard` items
 * `signal<quantity` or `signal<percent%` (`signal=value` is accepted too), the upstream
 * defaults (memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%,
 * imagefs.available<15%) used only when no item is given (as upstream: setting some
 * thresholds leaves the others unset), `0%`/`100%` meaning "off", and the quantity a
 * threshold stands for against a capacity. Pure; bad input throws ThresholdError.
 */
import { unitValueOf as value } from '../../api/quantity/index.js';

export const SIGNALS = [
  'memory.available',
  'allocatableMemory.available',
  'nodefs.available',
  'nodefs.inodesFree',
  'imagefs.available',
  'imagefs.inodesFree',
  'containerfs.available',
  'containerfs.inodesFree',
  'pid.available',
] as const;

export type Signal = (typeof SIGNALS)[number];

/** A threshold: either an absolute quantity (bytes, inodes, pids) or a fraction of capacity. */
export interface Threshold {
  signal: Signal;
  /** The text as given ("100Mi", "10%"), for messages. */
  text: string;
  quantity?: number;
  /** 0 < percentage <= 1. */
  percentage?: number;
}

export class ThresholdError extends Error {}

export const DEFAULT_EVICTION_HARD = [
  'memory.available<100Mi',
  'nodefs.available<10%',
  'nodefs.inodesFree<5%',
  'imagefs.available<15%',
];

const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

function isSignal(s: string): s is Signal {
  return (SIGNALS as readonly string[]).includes(s);
}

/** One `signal<value` item; undefined for a threshold that is switched off (0% or 100%). */
export function parseThreshold(item: string): Threshold | undefined {
  const m = /^([A-Za-z.]+)\s*[<=]\s*(.+)$/.exec(item.trim());
  if (!m) throw new ThresholdError(`eviction threshold must be SIGNAL<VALUE, not "${item}"`);
  const [, name = '', raw = ''] = m;
  const text = raw.trim();
  if (!isSignal(name))
    throw new ThresholdError(`unsupported eviction signal "${name}" (one of ${SIGNALS.join(', ')})`);
  if (text.endsWith('%')) {
    const n = Number(text.slice(0, -1));
    if (text.length === 1 || !Number.isFinite(n))
      throw new ThresholdError(`eviction threshold ${name}: "${text}" is not a percentage`);
    if (n < 0) throw new ThresholdError(`eviction percentage threshold ${name} must be >= 0%: ${text}`);
    if (n > 100) throw new ThresholdError(`eviction percentage threshold ${name} must be <= 100%: ${text}`);
    if (n === 0 || n === 100) return undefined;
    return { signal: name, text, percentage: n / 100 };
  }
  if (!QUANTITY.test(text))
    throw new ThresholdError(`eviction threshold ${name}: "${text}" is not a quantity`);
  const q = value(text);
  if (q <= 0) throw new ThresholdError(`eviction threshold ${name} must be positive: ${text}`);
  return { signal: name, text, quantity: q };
}

/** The thresholds of `--eviction-hard` items (the defaults when there are none). */
export function parseEvictionHard(items: readonly string[]): Threshold[] {
  const given = items.length > 0 ? items : DEFAULT_EVICTION_HARD;
  const bySignal = new Map<Signal, Threshold | undefined>();
  for (const item of given) {
    const t = parseThreshold(item);
    const name = item.trim().split(/[<=]/)[0]?.trim() as Signal;
    bySignal.set(name, t);
  }
  return [...bySignal.values()].filter((t): t is Threshold => t !== undefined);
}

/** The amount a threshold stands for, against `capacity` (for percentages). */
export function thresholdQuantity(t: Threshold, capacity: number): number {
  if (t.quantity !== undefined) return t.quantity;
  return Math.floor(capacity * (t.percentage ?? 0));
}

/**
 * What hard thresholds keep back from the node's allocatable, as upstream subtracts them:
 * memory.available from memory, nodefs.available from ephemeral storage.
 */
export function hardReserve(
  thresholds: readonly Threshold[],
  memoryCapacity: number,
  fsCapacity: number,
): { memoryBytes: number; ephemeralStorageBytes: number } {
  const of = (signal: Signal, capacity: number) => {
    const t = thresholds.find((x) => x.signal === signal);
    return t ? thresholdQuantity(t, capacity) : 0;
  };
  return {
    memoryBytes: of('memory.available', memoryCapacity),
    ephemeralStorageBytes: of('nodefs.available', fsCapacity),
  };
}
