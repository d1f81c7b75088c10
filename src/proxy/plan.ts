/**
 * Plans the proxy's nftables transactions from the model, keeping what was applied:
 *
 * - planFull: the whole table in one transaction (optionally deleting and re-creating
 *   it first): the skeleton, every Service's chains and sets, every element; chains found
 *   in the kernel that nothing wants are emptied and deleted a little later, unknown
 *   sets deleted.
 * - planIncremental: only what changed for the given Services: new or changed chains
 *   are (re)filled, map elements deleted and added one by one, chains nothing uses any
 *   more emptied now and deleted once they have been unused for STALE_CHAIN_DELAY_MS
 *   (older kernels release a chain referenced from a map a moment after the reference
 *   goes).
 *
 * Two Services can ask for the same map element (say the same external IP and port):
 * the first one keeps it; the other is remembered as blocked and gets the element when
 * the holder lets go. Plans are values: the caller adopts `state` only once the kernel
 * took the transaction. Pure.
 */
import { categorize } from './categorize.js';
import type { RuleConfig, ServicePort } from './model.js';
import { NftText, SKELETON_CHAINS, SKELETON_SETS, writeSkeleton } from './nft-text.js';
import { type Element, emptyRendered, type Rendered, renderService } from './render.js';

export const STALE_CHAIN_DELAY_MS = 1000;

export interface AppliedService {
  ports: ServicePort[];
  /** What is in the kernel for the Service (its elements: only those it holds). */
  rendered: Rendered;
}

export interface ProxyState {
  services: Map<string, AppliedService>;
  /** `set key` of an element -> the Service holding it. */
  owner: Map<string, string>;
  /** `set key` -> Services that want it but another one holds it. */
  blocked: Map<string, Set<string>>;
  /** Emptied chains waiting to be deleted -> when they became unused. */
  stale: Map<string, number>;
}

export interface Plan {
  /** The transaction ('' when nothing changes). */
  text: string;
  /** The state once the transaction is applied. */
  state: ProxyState;
  /** ClusterIPs that want a route now and no longer do. */
  addVips: string[];
  delVips: string[];
  /** `conntrack` argument lists that clear UDP flows to endpoints that went away. */
  conntrack: string[][];
}

export function emptyState(): ProxyState {
  return { services: new Map(), owner: new Map(), blocked: new Map(), stale: new Map() };
}

const elementId = (e: Element) => `${e.set} ${e.key}`;

function cloneState(s: ProxyState): ProxyState {
  return {
    services: new Map(s.services),
    owner: new Map(s.owner),
    blocked: new Map([...s.blocked].map(([k, v]) => [k, new Set(v)])),
    stale: new Map(s.stale),
  };
}

/** Renders `ports` for `key` and keeps the elements that are free or already its own. */
function grant(cfg: RuleConfig, state: ProxyState, key: string, ports: ServicePort[]): Rendered {
  const r = renderService(cfg, ports);
  r.elements = r.elements.filter((e) => {
    const id = elementId(e);
    const holder = state.owner.get(id);
    if (holder === undefined || holder === key) {
      state.owner.set(id, key);
      return true;
    }
    const waiting = state.blocked.get(id) ?? new Set<string>();
    waiting.add(key);
    state.blocked.set(id, waiting);
    return false;
  });
  return r;
}

/** Gives up the elements `key` holds and its place in waiting lists; returns the freed ids. */
function release(state: ProxyState, key: string): string[] {
  const freed: string[] = [];
  for (const e of state.services.get(key)?.rendered.elements ?? []) {
    const id = elementId(e);
    if (state.owner.get(id) === key) {
      state.owner.delete(id);
      freed.push(id);
    }
  }
  for (const [id, waiting] of state.blocked) {
    waiting.delete(key);
    if (waiting.size === 0) state.blocked.delete(id);
  }
  return freed;
}

function allVips(state: ProxyState): Set<string> {
  const out = new Set<string>();
  for (const s of state.services.values()) for (const v of s.rendered.vips) out.add(v);
  return out;
}

function vipChanges(before: ProxyState, after: ProxyState): { addVips: string[]; delVips: string[] } {
  const a = allVips(before);
  const b = allVips(after);
  return { addVips: [...b].filter((v) => !a.has(v)), delVips: [...a].filter((v) => !b.has(v)) };
}

/** Stale chains old enough to delete, leaving the rest in `state.stale`. */
function takeDeletable(state: ProxyState, now: number): string[] {
  const out: string[] = [];
  for (const [chain, since] of state.stale)
    if (now - since >= STALE_CHAIN_DELAY_MS) {
      out.push(chain);
      state.stale.delete(chain);
    }
  return out;
}

export interface FullOptions {
  now: number;
  /** Delete and re-create the table in the same transaction (start-up, repair). */
  recreate: boolean;
  /** Chains and sets the table has now (ignored when re-creating). */
  existing?: { chains: string[]; sets: string[] };
  /** The state before, for UDP conntrack clean-up and stale chain ages. */
  previous?: ProxyState;
}

/** The whole table from `services` (Service key -> its ports). */
export function planFull(cfg: RuleConfig, services: Map<string, ServicePort[]>, o: FullOptions): Plan {
  const state = emptyState();
  const tx = new NftText(cfg.table);
  if (o.recreate) tx.addTable().deleteTable();
  writeSkeleton(tx, cfg);
  const keys = [...services.keys()].sort();
  for (const key of keys) {
    const ports = services.get(key) ?? [];
    if (ports.length === 0) continue;
    state.services.set(key, { ports, rendered: grant(cfg, state, key, ports) });
  }
  const wanted = new Set<string>();
  const wantedSets = new Set<string>();
  for (const s of state.services.values()) {
    for (const c of s.rendered.chains.keys()) wanted.add(c);
    for (const n of s.rendered.sets.keys()) wantedSets.add(n);
  }
  for (const s of state.services.values())
    for (const c of s.rendered.chains.keys()) {
      tx.addChain(c);
      if (!o.recreate) tx.flushChain(c);
    }
  for (const s of state.services.values()) for (const [n, decl] of s.rendered.sets) tx.addSet(n, decl);
  for (const s of state.services.values()) for (const [c, rules] of s.rendered.chains) tx.addRules(c, rules);
  tx.elements(
    'add',
    [...state.services.values()].flatMap((s) => s.rendered.elements),
  );
  if (!o.recreate && o.existing) {
    for (const [c, since] of o.previous?.stale ?? []) if (!wanted.has(c)) state.stale.set(c, since);
    for (const c of o.existing.chains) {
      if (SKELETON_CHAINS.has(c) || wanted.has(c)) continue;
      tx.flushChain(c);
      if (!state.stale.has(c)) state.stale.set(c, o.now);
    }
    for (const n of o.existing.sets) if (!SKELETON_SETS.has(n) && !wantedSets.has(n)) tx.deleteSet(n);
    const existing = new Set(o.existing.chains);
    for (const c of takeDeletable(state, o.now)) if (existing.has(c)) tx.deleteChain(c);
    for (const c of state.stale.keys()) if (!existing.has(c)) state.stale.delete(c);
  }
  const before = o.previous ?? emptyState();
  return {
    text: tx.toString(),
    state,
    ...vipChanges(before, state),
    conntrack: conntrackFor(before, state, new Set([...before.services.keys(), ...keys])),
  };
}

/** The transaction for the Services in `changes` (key -> its ports now; [] or absent: gone). */
export function planIncremental(
  cfg: RuleConfig,
  prev: ProxyState,
  changes: Map<string, ServicePort[]>,
  now: number,
): Plan {
  const state = cloneState(prev);
  const batch = new Map<string, ServicePort[]>();
  for (const [key, ports] of changes) batch.set(key, ports);
  // Services waiting for an element a changed Service gives up join the batch.
  for (const key of changes.keys())
    for (const e of prev.services.get(key)?.rendered.elements ?? []) {
      for (const w of prev.blocked.get(elementId(e)) ?? [])
        if (!batch.has(w)) batch.set(w, prev.services.get(w)?.ports ?? []);
    }
  const keys = [...batch.keys()].sort();
  for (const key of keys) release(state, key);
  const next = new Map<string, Rendered>();
  for (const key of keys) {
    const ports = batch.get(key) ?? [];
    if (ports.length === 0) {
      state.services.delete(key);
      continue;
    }
    const rendered = grant(cfg, state, key, ports);
    state.services.set(key, { ports, rendered });
    next.set(key, rendered);
  }

  const tx = new NftText(cfg.table);
  const addSets: [string, string][] = [];
  const newChains: string[] = [];
  const refill: [string, string[]][] = [];
  const delElements: Element[] = [];
  const addElements: Element[] = [];
  const emptied: string[] = [];
  const delSets: string[] = [];
  for (const key of keys) {
    const before = prev.services.get(key)?.rendered ?? emptyRendered();
    const after = next.get(key) ?? emptyRendered();
    for (const [n, decl] of after.sets) if (!before.sets.has(n)) addSets.push([n, decl]);
    for (const [c, rules] of after.chains) {
      const old = before.chains.get(c);
      const wasStale = state.stale.delete(c);
      if (!old && !wasStale) newChains.push(c);
      if (!old || wasStale || old.join('\n') !== rules.join('\n')) refill.push([c, rules]);
    }
    const oldEls = new Map(before.elements.map((e) => [elementId(e), e]));
    const newEls = new Map(after.elements.map((e) => [elementId(e), e]));
    for (const [id, e] of oldEls) if (newEls.get(id)?.value !== e.value) delElements.push(e);
    for (const [id, e] of newEls) if (oldEls.get(id)?.value !== e.value) addElements.push(e);
    for (const c of before.chains.keys())
      if (!after.chains.has(c)) {
        emptied.push(c);
        state.stale.set(c, now);
      }
    for (const n of before.sets.keys()) if (!after.sets.has(n)) delSets.push(n);
  }
  for (const [n, decl] of addSets) tx.addSet(n, decl);
  for (const c of newChains) tx.addChain(c);
  for (const [c, rules] of refill) {
    if (!newChains.includes(c)) tx.flushChain(c);
    tx.addRules(c, rules);
  }
  tx.elements('delete', delElements);
  tx.elements('add', addElements);
  for (const c of emptied) tx.flushChain(c);
  for (const n of delSets) tx.deleteSet(n);
  for (const c of takeDeletable(state, now)) tx.deleteChain(c);
  return {
    text: tx.toString(),
    state,
    ...vipChanges(prev, state),
    conntrack: conntrackFor(prev, state, new Set(keys)),
  };
}

/** Conntrack clean-ups for the UDP ports of the Services `keys` between two states. */
function conntrackFor(before: ProxyState, after: ProxyState, keys: Set<string>): string[][] {
  const out: string[][] = [];
  for (const key of keys)
    out.push(
      ...udpConntrackCleanups(before.services.get(key)?.ports ?? [], after.services.get(key)?.ports ?? []),
    );
  return out;
}

const portKey = (sp: ServicePort) => `${sp.protocol}/${sp.portName}`;

/**
 * For UDP: flows to endpoints that are no longer reachable (by every address of the
 * port and its node port), and flows to addresses of a port that had no endpoints and
 * now has some (they were recorded without DNAT and would keep being dropped).
 */
export function udpConntrackCleanups(before: ServicePort[], after: ServicePort[]): string[][] {
  const out: string[][] = [];
  const afterBy = new Map(after.map((sp) => [portKey(sp), sp]));
  const beforeBy = new Map(before.map((sp) => [portKey(sp), sp]));
  const addressesOf = (sp: ServicePort) => [sp.clusterIP, ...sp.externalIPs, ...sp.loadBalancerIPs];
  for (const old of before) {
    if (old.protocol !== 'udp') continue;
    const now = afterBy.get(portKey(old));
    const still = new Set(now ? categorize(now).reachable.map((e) => e.ip) : []);
    const gone = [...new Set(categorize(old).reachable.map((e) => e.ip))].filter((ip) => !still.has(ip));
    for (const ep of gone) {
      for (const ip of addressesOf(old)) out.push(['-D', '-p', 'udp', '--orig-dst', ip, '--dst-nat', ep]);
      if (old.nodePort > 0)
        out.push(['-D', '-p', 'udp', '--orig-port-dst', String(old.nodePort), '--dst-nat', ep]);
    }
  }
  for (const sp of after) {
    if (sp.protocol !== 'udp' || !categorize(sp).hasAny) continue;
    const old = beforeBy.get(portKey(sp));
    if (old && categorize(old).hasAny) continue;
    for (const ip of addressesOf(sp))
      out.push(['-D', '-p', 'udp', '--orig-dst', ip, '--orig-port-dst', String(sp.port)]);
    if (sp.nodePort > 0) out.push(['-D', '-p', 'udp', '--orig-port-dst', String(sp.nodePort)]);
  }
  return out;
}
