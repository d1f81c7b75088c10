/**
 * Test support: the answer function of a fake upstream resolver (for DnsListener) that
 * knows one A record and answers NXDOMAIN for everything else. Not used by production code.
 */
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { NO_FLAGS, Rcode, RRType } from './message.js';
import { address } from './records.js';

export function upstreamWithA(name: string, ip: string): (q: Uint8Array) => Promise<Uint8Array> {
  return async (q) => {
    const m = decodeMessage(q);
    const found = m.questions[0]?.name.toLowerCase() === name && m.questions[0]?.type === RRType.A;
    return encodeMessage({
      id: m.id,
      flags: {
        ...NO_FLAGS,
        response: true,
        recursionDesired: m.flags.recursionDesired,
        recursionAvailable: true,
      },
      rcode: found ? Rcode.NOERROR : Rcode.NXDOMAIN,
      questions: m.questions,
      answers: found ? [address(name, 300, ip)] : [],
      authority: [],
      additional: [],
    });
  };
}
