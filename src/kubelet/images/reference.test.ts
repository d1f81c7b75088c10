/** Image reference parsing, the kubelet's default tag and the default pull policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaultTag, defaultPullPolicy, parseImageReference, repository } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it('normalises Docker Hub names', () => {
    assert.deepEqual(parseImageReference('busybox'), { domain: 'docker.io', path: 'library/busybox' });
    assert.deepEqual(parseImageReference('busybox:1.36'), {
      domain: 'docker.io',
      path: 'library/busybox',
      tag: '1.36',
    });
    assert.equal(repository(parseImageReference('someone/app')), 'docker.io/someone/app');
    assert.equal(repository(parseImageReference('index.docker.io/busybox')), 'docker.io/library/busybox');
    assert.equal(repository(parseImageReference('docker.io/busybox')), 'docker.io/library/busybox');
  });

  it('keeps other registries, ports and localhost as domains', () => {
    assert.deepEqual(parseImageReference('127.0.0.1:5000/library/busybox:1.36'), {
      domain: '127.0.0.1:5000',
      path: 'library/busybox',
      tag: '1.36',
    });
    assert.equal(parseImageReference('localhost/app').domain, 'localhost');
    assert.equal(parseImageReference('registry.k8s.io/pause').path, 'pause');
    assert.equal(parseImageReference('[::1]:5000/app').domain, '[::1]:5000');
  });

  it('reads tags and digests', () => {
    const r = parseImageReference(`busybox:1.36@${DIGEST}`);
    assert.equal(r.tag, '1.36');
    assert.equal(r.digest, DIGEST);
    assert.equal(parseImageReference(`busybox@${DIGEST}`).tag, undefined);
  });

  it('rejects what the kubelet rejects, with its words', () => {
    const cases: [string, RegExp][] = [
      ['', /^invalid reference format$/],
      ['busybox:', /^invalid reference format$/],
      ['bad image', /^invalid reference format$/],
      ['UPPER', /repository name \(library\/UPPER\) must be lowercase/],
      ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
      ['busybox@sha256:abc', /^invalid reference format$/],
      [`busybox@sha256:${'a'.repeat(40)}`, /invalid checksum digest length/],
      [`busybox@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    ];
    for (const [image, message] of cases) {
      assert.throws(
        () => parseImageReference(image),
        (err: Error) => message.test(err.message),
        image,
      );
    }
  });
});

describe('applyDefaultTag', () => {
  it('appends :latest only without tag and digest, and never expands the name', () => {
    assert.equal(applyDefaultTag('busybox'), 'busybox:latest');
    assert.equal(applyDefaultTag('127.0.0.1:5000/x/y'), '127.0.0.1:5000/x/y:latest');
    assert.equal(applyDefaultTag('busybox:1.36'), 'busybox:1.36');
    assert.equal(applyDefaultTag(`busybox@${DIGEST}`), `busybox@${DIGEST}`);
  });

  it('says which image it could not parse', () => {
    assert.throws(
      () => applyDefaultTag('not valid'),
      (err: Error) => err.message === `couldn't parse image name "not valid": invalid reference format`,
    );
  });
});

describe('defaultPullPolicy', () => {
  it('is Always for latest or no tag, IfNotPresent otherwise', () => {
    assert.equal(defaultPullPolicy('busybox'), 'Always');
    assert.equal(defaultPullPolicy('busybox:latest'), 'Always');
    assert.equal(defaultPullPolicy('busybox:1.36'), 'IfNotPresent');
    assert.equal(defaultPullPolicy(`busybox@${DIGEST}`), 'IfNotPresent');
  });
});
