/** Pull Secrets read into registry credentials and matched by registry, as the kubelet's keyring. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { keyringFromSecrets, lookupCredentials } from './keyring.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function dockerConfigJson(name: string, auths: Record<string, unknown>): KObject {
  return {
    metadata: { name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
  };
}

describe('keyring', () => {
  it('reads auth (base64 user:pass) and username/password, matched by host', () => {
    const k = keyringFromSecrets([
      dockerConfigJson('a', {
        'registry.example.com': { auth: b64('alice:s3cret:with:colons') },
        'other.example.com:5000': { username: 'bob', password: 'pw' },
      }),
    ]);
    assert.deepEqual(lookupCredentials(k, 'registry.example.com/team/app'), [
      { username: 'alice', password: 's3cret:with:colons' },
    ]);
    assert.deepEqual(lookupCredentials(k, 'other.example.com:5000/app'), [
      { username: 'bob', password: 'pw' },
    ]);
    assert.deepEqual(lookupCredentials(k, 'other.example.com/app'), [], 'the port must match');
    assert.deepEqual(lookupCredentials(k, 'elsewhere.io/app'), []);
  });

  it('treats the Docker Hub aliases as docker.io', () => {
    for (const key of [
      'https://index.docker.io/v1/',
      'index.docker.io',
      'registry-1.docker.io',
      'docker.io',
    ]) {
      const k = keyringFromSecrets([dockerConfigJson('hub', { [key]: { username: 'u', password: key } })]);
      assert.deepEqual(
        lookupCredentials(k, 'docker.io/library/busybox'),
        [{ username: 'u', password: key }],
        key,
      );
    }
  });

  it('reads kubernetes.io/dockercfg Secrets and ignores other types', () => {
    const cfg: KObject = {
      metadata: { name: 'old' },
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': b64(JSON.stringify({ 'quay.io': { auth: b64('q:p') } })) },
    };
    const opaque: KObject = {
      metadata: { name: 'opaque' },
      type: 'Opaque',
      data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'quay.io': { auth: b64('x:y') } } })) },
    };
    assert.deepEqual(lookupCredentials(keyringFromSecrets([opaque, cfg]), 'quay.io/org/app'), [
      { username: 'q', password: 'p' },
    ]);
  });

  it('matches globs and path prefixes, most specific first', () => {
    const k = keyringFromSecrets([
      dockerConfigJson('a', {
        '*.example.com': { username: 'glob', password: '1' },
        'reg.example.com/team': { username: 'team', password: '2' },
      }),
    ]);
    assert.deepEqual(
      lookupCredentials(k, 'reg.example.com/team/app').map((a) => a.username),
      ['team', 'glob'],
    );
    assert.deepEqual(
      lookupCredentials(k, 'reg.example.com/other/app').map((a) => a.username),
      ['glob'],
    );
    assert.deepEqual(lookupCredentials(k, 'a.b.example.com/app'), [], 'a glob covers one label');
  });

  it('fails on a malformed docker config', () => {
    const bad: KObject = {
      metadata: { name: 'bad' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{not json') },
    };
    assert.throws(() => keyringFromSecrets([bad]), /invalid docker config in secret bad/);
    assert.throws(
      () => keyringFromSecrets([dockerConfigJson('c', { 'x.io': { auth: b64('nocolon') } })]),
      /must be formatted as base64\(username:password\)/,
    );
  });
});
