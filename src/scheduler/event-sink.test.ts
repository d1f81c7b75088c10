import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '../client/client.js';
import type { HttpResponse, Transport } from '../client/transport.js';
import { BoundedEventRecorder, LimitedTransport } from './event-sink.js';
import { makePod } from './testing.js';

/** A transport whose requests wait until release() is called. */
function heldTransport() {
  const held: (() => void)[] = [];
  let started = 0;
  const t: Transport = {
    request: () =>
      new Promise<HttpResponse>((resolve) => {
        started++;
        held.push(() => resolve({ status: 201, headers: {}, body: Buffer.from('{}') }));
      }),
    stream: () => (async function* () {})(),
    close: () => {},
  };
  return { t, held, started: () => started };
}

describe('bounded event writes', () => {
  it('runs at most `limit` requests at once, in order', async () => {
    const { t, held, started } = heldTransport();
    const lt = new LimitedTransport(t, 2);
    const all = [1, 2, 3].map(() => lt.request('POST', '/x'));
    await new Promise((r) => setImmediate(r));
    assert.equal(started(), 2);
    assert.equal(lt.pending, 3);
    held.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(started(), 3);
    for (const h of held.splice(0)) h();
    await Promise.all(all);
    assert.equal(lt.pending, 0);
  });

  it('drops events beyond the backlog and counts them', async () => {
    const { t, held } = heldTransport();
    const rec = new BoundedEventRecorder(new Client(t), 'test', { concurrency: 1, maxPending: 2 });
    for (let i = 0; i < 5; i++) rec.event(makePod(`p${i}`), 'Normal', 'Scheduled', `m${i}`);
    await new Promise((r) => setImmediate(r));
    assert.equal(rec.dropped, 3);
    for (const h of held.splice(0)) h();
    await new Promise((r) => setImmediate(r));
    for (const h of held.splice(0)) h();
  });
});
