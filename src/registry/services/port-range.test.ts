/** The NodePort range: its three notations, the static band, refused values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortRange } from './port-range.js';

describe('PortRange', () => {
  it('reads LOW-HIGH, BASE+EXTRA and a single port', () => {
    const r = PortRange.parse('30000-32767');
    assert.deepEqual([r.base, r.size, r.text], [30000, 2768, '30000-32767']);
    assert.equal(PortRange.parse('30000+9').text, '30000-30009');
    assert.equal(PortRange.parse(' 8080 ').text, '8080-8080');
  });

  it('maps ports to offsets inside the range only', () => {
    const r = PortRange.parse('30000-32767');
    assert.equal(r.offsetOf(30000), 0);
    assert.equal(r.offsetOf(32767), 2767);
    assert.equal(r.offsetOf(29999), undefined);
    assert.equal(r.offsetOf(32768), undefined);
    assert.equal(r.portAt(5), 30005);
  });

  it('sizes the static band like upstream: min(max(16, size/32), 128)', () => {
    assert.equal(PortRange.parse('30000-32767').staticSize, 86);
    assert.equal(PortRange.parse('30000-30099').staticSize, 16);
    assert.equal(PortRange.parse('20000-29999').staticSize, 128);
    assert.equal(PortRange.parse('30000-30009').staticSize, 0);
  });

  it('refuses bad ranges with a message', () => {
    assert.throws(() => PortRange.parse('a-b'), /invalid port range "a-b"/);
    assert.throws(() => PortRange.parse('30000-70000'), /cannot be greater than 65535/);
    assert.throws(() => PortRange.parse('32000-31000'), /end port cannot be less than start port/);
    assert.throws(() => PortRange.parse('0-10'), /must start at 1/);
  });
});
