/**
 * A label selector: an AND of requirements, kept sorted by key as upstream keeps them.
 * Also the two special selectors, "everything" (no requirements, matches all) and
 * "nothing" (matches none, what a null metav1.LabelSelector means).
 * Pure and immutable: every method returns new values.
 */
import { type LabelRequirement, requirementMatches, requirementToString } from './label-requirement.js';

function byKey(reqs: readonly LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export class LabelSelector {
  /** The requirements, sorted by key; all must hold. Empty for "everything" and "nothing". */
  readonly requirements: readonly LabelRequirement[];

  /**
   * @param requirements the requirements (sorted here by key, stably)
   * @param nothing true for the selector that matches no object at all
   */
  constructor(
    requirements: readonly LabelRequirement[] = [],
    readonly nothing = false,
  ) {
    this.requirements = nothing ? [] : byKey(requirements);
  }

  /** True when the selector does not restrict anything (the "nothing" selector is not empty). */
  get empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  /** Whether an object with these labels is selected; absent labels are an empty set. */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    if (this.nothing) return false;
    const set = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, set));
  }

  /**
   * The value a label must have for the selector to match, when the first requirement on
   * that key is `=`, `==` or `in` with a single value; undefined otherwise. Caches index
   * on this.
   */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((q) => q.key === key);
    if (r?.values.length !== 1) return undefined;
    return r.operator === '=' || r.operator === '==' || r.operator === 'in' ? r.values[0] : undefined;
  }

  /** A selector with more requirements; adding to "nothing" still selects nothing. */
  add(...reqs: LabelRequirement[]): LabelSelector {
    return this.nothing ? this : new LabelSelector([...this.requirements, ...reqs]);
  }

  /** The selector in its string syntax (`a=b,c in (x,y)`); "" for everything and nothing. */
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

const EVERYTHING = new LabelSelector();
const NOTHING = new LabelSelector([], true);

/** The selector that matches every object. */
export function everything(): LabelSelector {
  return EVERYTHING;
}

/** The selector that matches no object. */
export function nothing(): LabelSelector {
  return NOTHING;
}

/** A selector requiring exactly these labels (`k=v` each), unvalidated; empty or absent selects all. */
export function selectorFromSet(labels: Readonly<Record<string, string>> | undefined): LabelSelector {
  if (!labels) return EVERYTHING;
  const reqs = Object.entries(labels).map(([key, v]) => ({ key, operator: '=' as const, values: [v] }));
  return reqs.length === 0 ? EVERYTHING : new LabelSelector(reqs);
}
