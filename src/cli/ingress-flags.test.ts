/** The ingress flags: defaults, --disable-ingress, and bad ports as usage errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, UsageError } from './flags.js';
import { ingressFlags, ingressSettings } from './ingress-flags.js';

const node = { nodeName: 'n1', nodeIP: '10.0.0.5' };
const settings = (argv: string[]) => ingressSettings(parseFlags(ingressFlags, argv).flags, node);

describe('ingress flags', () => {
  it('default to ports 80 and 443 on the node IP', () => {
    assert.deepEqual(settings([]), { nodeName: 'n1', nodeIP: '10.0.0.5', httpPort: 80, httpsPort: 443 });
  });

  it('take other ports, 0 for free ones, and turn off with --disable-ingress', () => {
    assert.deepEqual(settings(['--ingress-http-port', '0', '--ingress-https-port=0']), {
      ...node,
      httpPort: 0,
      httpsPort: 0,
    });
    assert.equal(settings(['--disable-ingress']), undefined);
  });

  it('reject ports out of range or the same port twice', () => {
    assert.throws(() => settings(['--ingress-http-port', '70000']), UsageError);
    assert.throws(
      () => settings(['--ingress-http-port', '8080', '--ingress-https-port', '8080']),
      /must differ/,
    );
    assert.throws(() => settings(['--ingress-http-port', 'x']), /whole number/);
  });
});
