/**
 * The plugin contracts, after upstream's scheduling framework, and the per-pod cycle state
 * they share. A scheduling decision runs, for one pod: every filter plugin's preFilter
 * once, filter per node until enough feasible nodes are found, then every score plugin's
 * preScore once, score per feasible node, and normalize. Plugins keep what they computed
 * for the pod in the CycleState under their own name; they must not change the cache.
 * Pure.
 */
import type { SchedulerCache } from '../cache.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { Status } from './status.js';

export const MAX_NODE_SCORE = 100;

/** Per-plugin state that preemption's what-if runs copy and adjust as pods come and go. */
export interface PreFilterState {
  clone(): PreFilterState;
  /** `pi` was added to (sign 1) or removed from (sign -1) `node`. */
  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void;
}

export class CycleState {
  private readonly data = new Map<string, unknown>();

  constructor(
    readonly pod: PodInfo,
    readonly cache: SchedulerCache,
  ) {}

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /** A copy whose PreFilterState values are cloned (others are shared: they are read-only). */
  clone(): CycleState {
    const c = new CycleState(this.pod, this.cache);
    for (const [k, v] of this.data) c.data.set(k, isPreFilterState(v) ? v.clone() : v);
    return c;
  }

  /** Tells every PreFilterState that a pod was added to or removed from a node. */
  update(pi: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    for (const v of this.data.values()) if (isPreFilterState(v)) v.update(pi, node, sign);
  }
}

function isPreFilterState(v: unknown): v is PreFilterState {
  return typeof v === 'object' && v !== null && typeof (v as PreFilterState).clone === 'function';
}

export interface FilterPlugin {
  readonly name: string;
  /**
   * Once per pod before filtering. A Status rejects the pod everywhere (its reasons become
   * the message); 'skip' means filter() need not run for this pod.
   */
  preFilter?(state: CycleState): Status | 'skip' | undefined;
  /** Whether the pod fits `node`: null, or why not. */
  filter(state: CycleState, node: NodeInfo): Status | null;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Once per pod with the feasible nodes; false skips the plugin for this pod. */
  preScore?(state: CycleState, nodes: readonly NodeInfo[]): boolean;
  /** A raw score of `node` (0..100 unless normalize() maps it there). */
  score(state: CycleState, node: NodeInfo): number;
  /** Maps raw scores (index-aligned with `nodes`) onto 0..100 in place. */
  normalize?(state: CycleState, scores: number[], nodes: readonly NodeInfo[]): void;
}

/** Upstream's DefaultNormalizeScore: scale so the highest is 100 (reversed: lowest is 100). */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    let s = max === 0 ? 0 : Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
