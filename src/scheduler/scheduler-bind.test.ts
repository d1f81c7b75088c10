/**
 * A failed bind, with a fake API: the scheduler forgets the assumed pod (its resources are
 * free again) and retries it after a backoff. Waits are bounded polls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '../client/client.js';
import type { HttpResponse, RequestOptions, Transport } from '../client/transport.js';
import type { EventRecorder } from '../controllers/framework/recorder.js';
import type { KObject } from '../registry/types.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';

function reply(status: number, body: unknown): HttpResponse {
  return { status, headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

/** Lists fixed objects, never sends watch events, refuses bindings with a 500. */
class FakeApi implements Transport {
  binds = 0;
  constructor(private readonly objects: Record<string, KObject[]>) {}

  async request(method: string, path: string, _opts?: RequestOptions): Promise<HttpResponse> {
    if (method === 'POST' && path.endsWith('/binding')) {
      this.binds++;
      return reply(500, { kind: 'Status', code: 500, message: 'storage unavailable' });
    }
    if (method === 'GET') {
      const plural = /\/([a-z]+)(\?|$)/.exec(path)?.[1] ?? '';
      return reply(200, {
        kind: 'List',
        metadata: { resourceVersion: '1' },
        items: this.objects[plural] ?? [],
      });
    }
    return reply(200, {});
  }

  async *stream(_path: string, signal: AbortSignal): AsyncGenerator<string> {
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  }

  close(): void {}
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Scheduler bind failures', () => {
  it('forgets the assumed pod and retries it after a backoff', async () => {
    const api = new FakeApi({ nodes: [makeNode('n1', { cpu: '1' })], pods: [makePod('p', { cpu: '800m' })] });
    const events: string[] = [];
    const recorder: EventRecorder = {
      event: (_o, _t, reason, message) => events.push(`${reason}: ${message}`),
    };
    let clock = 1_000_000;
    const scheduler = new Scheduler({ client: new Client(api), recorder, now: () => clock });
    const ac = new AbortController();
    const running = scheduler.run(ac.signal);
    try {
      await until('a failed bind', () => scheduler.stats.bindErrors === 1);
      assert.equal(scheduler.cache.nodeOf('default/p'), undefined, 'forgotten');
      assert.equal(scheduler.cache.node('n1')!.requested.milliCPU, 0);
      assert.equal(scheduler.queue.where('default/p'), 'backoff');
      assert.ok(events.some((e) => e.startsWith('FailedScheduling: running Bind plugin "DefaultBinder"')));
      clock += 1000;
      scheduler.queue.flushBackoff();
      await until('a second attempt', () => api.binds === 2);
    } finally {
      ac.abort();
      await running;
    }
  });
});
