/**
 * One query's bytes in, the answer's bytes out (or nothing, for input that is not a query
 * at all): decodes, checks (FORMERR for a malformed message or not exactly one question,
 * NOTIMP for opcodes other than QUERY, BADVERS for EDNS versions above 0, REFUSED for zone
 * transfers), answers names of the cluster from the current view, forwards the rest
 * (SERVFAIL when no upstream answers), follows CNAMEs of ExternalName Services, and fits
 * the answer into the client's UDP size (EDNS0, 512 bytes without it, at most 4096),
 * setting TC when it does not fit. It never throws.
 */
import { decodeHeader, decodeMessage, type Header } from './decode.js';
import { encodeMessage } from './encode.js';
import type { Forwarder } from './forwarder.js';
import {
  type Edns,
  type Message,
  NO_FLAGS,
  Opcode,
  type Question,
  Rcode,
  RRClass,
  RRType,
} from './message.js';
import { canonical, isSubdomain } from './names.js';
import { type Answer, resolve } from './resolver.js';
import type { ClusterView } from './view.js';

export type Transport = 'udp' | 'tcp';

/** The UDP payload this server advertises and the most it sends over UDP. */
export const MAX_UDP_SIZE = 4096;
const PLAIN_UDP_SIZE = 512;
const MAX_CNAME_HOPS = 8;

export interface HandlerOptions {
  /** The current cluster view, or undefined while it is not synced yet (zone names then SERVFAIL). */
  view: () => ClusterView | undefined;
  /** The zone, to tell cluster names from others before the view is synced. */
  zone: string;
  forwarder: Forwarder;
  log?: (m: string) => void;
}

export class QueryHandler {
  constructor(private readonly o: HandlerOptions) {}

  async handle(query: Uint8Array, transport: Transport): Promise<Uint8Array | undefined> {
    let header: Header;
    try {
      header = decodeHeader(query);
    } catch {
      return undefined;
    }
    if (header.flags.response) return undefined;
    let msg: Message;
    try {
      msg = decodeMessage(query);
    } catch {
      return this.bare(header, Rcode.FORMERR);
    }
    const limit =
      transport === 'tcp'
        ? 65535
        : msg.edns
          ? Math.min(Math.max(msg.edns.udpSize, PLAIN_UDP_SIZE), MAX_UDP_SIZE)
          : PLAIN_UDP_SIZE;
    const reply = (rcode: number, a?: Partial<Answer>, authoritative = false) =>
      this.encode(msg, rcode, a, authoritative, limit);
    try {
      if (msg.edns && msg.edns.version !== 0) return reply(Rcode.BADVERS);
      if (msg.flags.opcode !== Opcode.QUERY) return reply(Rcode.NOTIMP);
      const q = msg.questions[0];
      if (!q || msg.questions.length !== 1) return reply(Rcode.FORMERR);
      if (q.type === RRType.AXFR || q.type === RRType.IXFR) return reply(Rcode.REFUSED);
      const view = this.o.view();
      if (!view) {
        if (isSubdomain(q.name, this.o.zone)) return reply(Rcode.SERVFAIL);
        return await this.forward(query, msg, transport, limit);
      }
      const res = resolve(q, view);
      if (res.kind === 'forward') return await this.forward(query, msg, transport, limit);
      const chased = await this.chase(q, res, view);
      return reply(chased.rcode, chased, true);
    } catch (err) {
      this.o.log?.(`answering ${JSON.stringify(msg.questions[0]?.name ?? '')}: ${(err as Error).message}`);
      try {
        return reply(Rcode.SERVFAIL);
      } catch {
        return this.bare(header, Rcode.SERVFAIL);
      }
    }
  }

  /** An answer with no sections (not even the question): for messages that could not be read. */
  private bare(h: Header, rcode: number): Uint8Array {
    return encodeMessage({
      id: h.id,
      flags: { ...h.flags, response: true, authoritative: false, truncated: false, recursionAvailable: true },
      rcode,
      questions: [],
      answers: [],
      authority: [],
      additional: [],
    });
  }

  private encode(
    msg: Message,
    rcode: number,
    a: Partial<Answer> | undefined,
    authoritative: boolean,
    limit: number,
  ): Uint8Array {
    const edns: Edns | undefined = msg.edns
      ? { udpSize: MAX_UDP_SIZE, extendedRcode: 0, version: 0, dnssecOk: false, options: [] }
      : undefined;
    return encodeMessage(
      {
        id: msg.id,
        flags: {
          response: true,
          opcode: msg.flags.opcode,
          authoritative,
          truncated: false,
          recursionDesired: msg.flags.recursionDesired,
          recursionAvailable: true,
          authenticData: false,
          checkingDisabled: msg.flags.checkingDisabled,
        },
        rcode: edns ? rcode : rcode & 0xf,
        questions: msg.questions.slice(0, 1),
        answers: a?.answers ?? [],
        authority: a?.authority ?? [],
        additional: a?.additional ?? [],
        ...(edns ? { edns } : {}),
      },
      { maxSize: limit },
    );
  }

  private async forward(
    raw: Uint8Array,
    msg: Message,
    transport: Transport,
    limit: number,
  ): Promise<Uint8Array> {
    let answer: Uint8Array;
    try {
      answer = await this.o.forwarder.forward(raw, { tcp: transport === 'tcp' });
    } catch (err) {
      this.o.log?.(`forwarding ${JSON.stringify(msg.questions[0]?.name ?? '')}: ${(err as Error).message}`);
      return this.encode(msg, Rcode.SERVFAIL, undefined, false, limit);
    }
    if (answer.length <= limit) return answer;
    // Larger than this client takes over UDP: cut it down and set TC.
    return encodeMessage(decodeMessage(answer), { maxSize: limit });
  }

  /**
   * Follows a CNAME answer (an ExternalName Service) to the records of the asked type at
   * its target: from the view inside the zone, from the upstreams outside it. When the
   * target cannot be resolved the CNAME alone is the answer.
   */
  private async chase(q: Question, first: Answer, view: ClusterView): Promise<Answer> {
    if (q.type === RRType.CNAME || q.type === RRType.ANY) return first;
    let res = first;
    const answers = [...first.answers];
    const seen = new Set([canonical(q.name)]);
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const last = answers[answers.length - 1];
      if (last?.data.kind !== 'CNAME' || res.rcode !== Rcode.NOERROR) break;
      const target = canonical(last.data.target);
      if (seen.has(target)) break;
      seen.add(target);
      const sub: Question = { name: target, type: q.type, class: RRClass.IN };
      const next = resolve(sub, view);
      if (next.kind === 'answer') {
        res = next;
        answers.push(...next.answers);
        continue;
      }
      const upstream = await this.upstreamRecords(sub);
      if (!upstream) break;
      answers.push(...upstream.answers);
      return { ...upstream, answers };
    }
    return { ...res, answers };
  }

  private async upstreamRecords(q: Question): Promise<Answer | undefined> {
    const query = encodeMessage({
      id: 0,
      flags: { ...NO_FLAGS, recursionDesired: true },
      rcode: 0,
      questions: [q],
      answers: [],
      authority: [],
      additional: [],
      edns: { udpSize: MAX_UDP_SIZE, extendedRcode: 0, version: 0, dnssecOk: false, options: [] },
    });
    try {
      const m = decodeMessage(await this.o.forwarder.forward(query, { tcp: true }));
      return { kind: 'answer', rcode: m.rcode, answers: m.answers, authority: m.authority, additional: [] };
    } catch (err) {
      this.o.log?.(`following a CNAME to ${JSON.stringify(q.name)}: ${(err as Error).message}`);
      return undefined;
    }
  }
}
