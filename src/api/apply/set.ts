/**
 * Sets of field paths, stored as a trie: at each level the elements that are members
 * (paths ending there) and the elements that have descendants. A path can be both, which is
 * what `fieldsV1` writes as a `".": {}` entry. The operations have the API server's
 * semantics: `difference` removes exact paths only, `recursiveDifference` also drops every
 * path below a member of the other set.
 *
 * Pure. A set is built with `insert` and must be treated as immutable once shared: the
 * operations return new sets that may share subtrees with their inputs.
 */
import { compareElements, type Path, type PathElement, serializeElement } from './path.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; only while building). The empty path is ignored. */
  insert(path: Path): this {
    if (path.length === 0) return this;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i]!);
    const last = path[path.length - 1]!;
    node.members.set(serializeElement(last), last);
    return this;
  }

  private descend(pe: PathElement): FieldSet {
    const id = serializeElement(pe);
    let child = this.children.get(id);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.children.set(id, child);
    }
    return child.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++)
      node = node.children.get(serializeElement(path[i]!))?.set;
    return !!node && node.members.has(serializeElement(path[path.length - 1]!));
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The paths below `pe` (relative to it), or an empty set. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? EMPTY;
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** Members at this level, in the API server's order. */
  memberElements(): PathElement[] {
    return [...this.members.values()].sort(compareElements);
  }

  /** Elements with descendants at this level, in order, with their subsets. */
  childEntries(): Array<{ pe: PathElement; set: FieldSet }> {
    return [...this.children.values()].sort((a, b) => compareElements(a.pe, b.pe));
  }

  /** Every path, members of a level before its children, each level in order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.memberElements().map((pe) => [...prefix, pe]);
    for (const c of this.childEntries()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, pe] of o.members) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      out.children.set(id, oc ? { pe: c.pe, set: c.set.union(oc.set) } : c);
    }
    for (const [id, c] of o.children) if (!this.children.has(id)) out.children.set(id, c);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      if (!oc) continue;
      const s = c.set.intersection(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  /** This set without the paths of `o` (exact paths: descendants of o's members stay). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      if (!oc) {
        out.children.set(id, c);
        continue;
      }
      const s = c.set.difference(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  /** This set without the paths of `o` and without everything below a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      if (o.members.has(id)) continue;
      const oc = o.children.get(id);
      if (!oc) {
        out.children.set(id, c);
        continue;
      }
      const s = c.set.recursiveDifference(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  /**
   * A copy where the parents chosen by `step` are members too (the API server makes struct
   * fields members of their own subtrees this way). `step` sees each parent element with the
   * context of its level and returns whether to promote it and the context below it.
   */
  promoting<C>(ctx: C, step: (pe: PathElement, ctx: C) => { promote: boolean; ctx: C }): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const r = step(c.pe, ctx);
      if (r.promote) out.members.set(id, c.pe);
      out.children.set(id, { pe: c.pe, set: c.set.promoting(r.ctx, step) });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty();
  }
}

const EMPTY = new FieldSet();
