/** Tests for the strict IP parser, checked against Node's own notion of an IP literal. */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { ipKey, ipText, parseIp } from './ip.js';

describe('parseIp', () => {
  const valid: Array<[string, string]> = [
    ['127.0.0.1', '7f000001'],
    ['10.43.0.1', '0a2b0001'],
    ['0.0.0.0', '00000000'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['FE80::1', 'fe800000000000000000000000000001'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::1.2.3.4', '00000000000000000000000001020304'],
    ['::ffff:10.0.0.1', '0a000001'],
    ['::ffff:a00:1', '0a000001'],
  ];
  for (const [text, hex] of valid) {
    it(`accepts ${text}`, () => {
      const bytes = parseIp(text);
      assert.ok(bytes);
      assert.equal(ipKey(bytes), hex);
      assert.notEqual(isIP(text), 0);
    });
  }

  const invalid = [
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.4::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4:5:6:7:8zz',
    '1::2::3',
    ':1::2',
    '12345::',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7',
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(parseIp(text), undefined);
    });
  }
});

describe('ipText', () => {
  it('writes every IPv6 group and dotted IPv4', () => {
    assert.equal(ipText(parseIp('::1')!), '0:0:0:0:0:0:0:1');
    assert.equal(ipText(parseIp('10.43.0.1')!), '10.43.0.1');
    assert.equal(ipText(parseIp('::ffff:10.0.0.1')!), '10.0.0.1');
  });
});
