/** Proxy header rewriting: hop-by-hop removal and forwarded headers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, upstreamHeaders, withoutHopByHop } from './headers.js';

describe('proxy headers', () => {
  it('drops hop-by-hop headers and those named in Connection', () => {
    const out = withoutHopByHop({
      connection: 'keep-alive, X-Secret',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-secret': '1',
      'set-cookie': ['a=1', 'b=2'],
      'content-type': 'text/plain',
    });
    assert.deepEqual(out, { 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' });
  });

  it('keeps Host, replaces forwarded headers, and passes Upgrade on', () => {
    const out = upstreamHeaders(
      {
        host: 'app.example.com',
        'x-forwarded-for': '6.6.6.6',
        expect: '100-continue',
        connection: 'Upgrade',
        upgrade: 'websocket',
      },
      { clientIp: '10.1.2.3', proto: 'https', port: 8443, upgrade: 'websocket' },
    );
    assert.deepEqual(out, {
      host: 'app.example.com',
      'x-forwarded-for': '10.1.2.3',
      'x-real-ip': '10.1.2.3',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'app.example.com',
      'x-forwarded-port': '8443',
      connection: 'upgrade',
      upgrade: 'websocket',
    });
    assert.equal(
      upstreamHeaders({ upgrade: 'websocket' }, { clientIp: '', proto: 'http', port: 80 })['upgrade'],
      undefined,
    );
  });

  it('unwraps IPv4-mapped client addresses', () => {
    assert.equal(clientAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(clientAddress('::1'), '::1');
    assert.equal(clientAddress(undefined), '');
  });
});
