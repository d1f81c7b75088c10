/** Tests of datastore selection: which endpoints mean SQLite, which mean etcd, which are refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DatastoreEndpointError,
  datastoreTarget,
  describeDatastore,
  parseDatastoreEndpoint,
} from './open.js';

function refusal(endpoint: string): string {
  try {
    parseDatastoreEndpoint(endpoint);
  } catch (err) {
    assert.ok(err instanceof DatastoreEndpointError, `expected a DatastoreEndpointError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`"${endpoint}" was accepted`);
}

describe('parseDatastoreEndpoint', () => {
  it('means SQLite when absent or blank', () => {
    assert.equal(parseDatastoreEndpoint(undefined), undefined);
    assert.equal(parseDatastoreEndpoint(''), undefined);
    assert.equal(parseDatastoreEndpoint('  '), undefined);
  });

  it('accepts one etcd URL', () => {
    assert.deepEqual(parseDatastoreEndpoint('http://127.0.0.1:2379'), ['http://127.0.0.1:2379']);
    assert.deepEqual(parseDatastoreEndpoint('https://etcd.example.com:2379/'), [
      'https://etcd.example.com:2379',
    ]);
    assert.deepEqual(parseDatastoreEndpoint('http://localhost:32379'), ['http://localhost:32379']);
  });

  it('accepts several comma-separated members, trimming spaces', () => {
    assert.deepEqual(
      parseDatastoreEndpoint('http://10.0.0.1:2379, http://10.0.0.2:2379,http://etcd-3:2379'),
      ['http://10.0.0.1:2379', 'http://10.0.0.2:2379', 'http://etcd-3:2379'],
    );
  });

  it('accepts bracketed IPv6 hosts', () => {
    assert.deepEqual(parseDatastoreEndpoint('http://[::1]:2379'), ['http://[::1]:2379']);
  });

  it('normalizes the scheme and host case', () => {
    assert.deepEqual(parseDatastoreEndpoint('HTTP://Etcd.Example:2379'), ['http://etcd.example:2379']);
  });

  it('refuses other forms, naming the accepted ones', () => {
    for (const endpoint of [
      'mysql://root@tcp(db:3306)/k8ts',
      'postgres://db:5432/k8ts',
      'sqlite:///var/lib/k8ts/db/state.db',
      'etcd://10.0.0.1:2379',
      '10.0.0.1:2379',
      'http://10.0.0.1',
      'http://10.0.0.1:2379/prefix',
      'http://10.0.0.1:2379?x=1',
      'http://user:pass@10.0.0.1:2379',
    ]) {
      const message = refusal(endpoint);
      assert.ok(message.includes(`"${endpoint}"`), message);
      assert.match(message, /accepted forms: http:\/\/HOST:PORT or https:\/\/HOST:PORT/);
      assert.match(message, /unset for the embedded SQLite database/);
    }
  });

  it('refuses an empty member, a bad port, and mixed schemes', () => {
    assert.match(refusal('http://a:2379,,http://b:2379'), /empty entry/);
    assert.match(refusal('http://a:2379,'), /empty entry/);
    assert.match(refusal('http://a:0'), /invalid port 0/);
    assert.match(refusal('http://a:65536'), /invalid port 65536/);
    assert.match(refusal('http://a:2379,https://b:2379'), /mixes http and https/);
  });
});

describe('datastoreTarget', () => {
  it('puts SQLite in <dataDir>/db/state.db', () => {
    const target = datastoreTarget({ dataDir: '/var/lib/k8ts' });
    assert.deepEqual(target, { backend: 'sqlite', path: '/var/lib/k8ts/db/state.db' });
    assert.equal(describeDatastore(target), 'sqlite /var/lib/k8ts/db/state.db');
  });

  it('names the etcd members', () => {
    const target = datastoreTarget({ dataDir: '/x', datastoreEndpoint: 'http://a:2379,http://b:2379' });
    assert.deepEqual(target, { backend: 'etcd', endpoints: ['http://a:2379', 'http://b:2379'] });
    assert.equal(describeDatastore(target), 'etcd http://a:2379,http://b:2379');
  });
});
