/**
 * Sends queries for names outside the cluster to the upstream resolvers, as they came
 * (EDNS0 and flags kept) under a fresh random ID, and hands back the upstream's answer
 * with the client's ID. Upstreams are tried in turn, starting with a different one each
 * time, within one overall deadline (2 s by default); a truncated UDP answer is asked
 * again over TCP when the client itself came over TCP. An answer to another question is
 * not taken. Throws when no upstream answered in time: the caller answers SERVFAIL.
 */
import type { HostPort } from './addresses.js';
import { decodeMessage } from './decode.js';
import { tcpExchange, udpExchange } from './exchange.js';
import type { Question } from './message.js';
import { canonical } from './names.js';

export const FORWARD_TIMEOUT_MS = 2000;

export interface ForwarderOptions {
  upstreams: HostPort[];
  /** The deadline of one forwarded query over all upstreams (default 2000 ms). */
  timeoutMs?: number;
}

export class Forwarder {
  private next = 0;
  readonly upstreams: readonly HostPort[];
  private readonly timeoutMs: number;

  constructor(o: ForwarderOptions) {
    this.upstreams = [...o.upstreams];
    this.timeoutMs = o.timeoutMs ?? FORWARD_TIMEOUT_MS;
  }

  /** The upstream's answer to `query` (wire bytes) with the query's own ID. */
  async forward(query: Uint8Array, o: { tcp: boolean; signal?: AbortSignal }): Promise<Uint8Array> {
    const n = this.upstreams.length;
    if (n === 0) throw new Error('no upstream resolvers are configured');
    const asked = decodeMessage(query).questions[0];
    const deadline = Date.now() + this.timeoutMs;
    const perTry = Math.max(250, Math.floor(this.timeoutMs / n));
    const first = this.next++ % n;
    let lastError: unknown = new Error('no upstream answered in time');
    for (let i = 0; i < n; i++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || o.signal?.aborted) break;
      const upstream = this.upstreams[(first + i) % n];
      if (!upstream) continue;
      const out = query.slice();
      const id = Math.floor(Math.random() * 0x10000);
      out[0] = id >> 8;
      out[1] = id & 0xff;
      try {
        const opts = { timeoutMs: Math.min(perTry, remaining), ...(o.signal ? { signal: o.signal } : {}) };
        let answer = await udpExchange(upstream, out, opts);
        if (o.tcp && ((answer[2] ?? 0) & 0x02) !== 0) {
          const left = { ...opts, timeoutMs: Math.max(1, deadline - Date.now()) };
          answer = await tcpExchange(upstream, out, left);
        }
        const got = decodeMessage(answer).questions[0];
        if (asked && !sameQuestion(asked, got))
          throw new Error(`${upstream.host}:${upstream.port} answered another question`);
        const back = answer.slice();
        back[0] = query[0] ?? 0;
        back[1] = query[1] ?? 0;
        return back;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }
}

function sameQuestion(a: Question, b: Question | undefined): boolean {
  return !!b && a.type === b.type && a.class === b.class && canonical(a.name) === canonical(b.name);
}
