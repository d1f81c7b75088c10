/** Host and path matching as the Ingress API specifies it, and certificate lookup by server name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  certificateFor,
  lookup,
  matchPath,
  normalizeHost,
  normalizePrefix,
  prefixMatches,
  splitTarget,
} from './match.js';
import {
  type Backend,
  emptyHostRoutes,
  emptyTable,
  type HostRoutes,
  type PathKind,
  type Route,
} from './types.js';

const be = (key: string): Backend => ({ key, endpoints: [{ host: '127.0.0.1', port: 1 }] });

function routes(...specs: [PathKind, string, string][]): HostRoutes {
  const r = emptyHostRoutes();
  for (const [kind, path, key] of specs) {
    const route: Route = {
      kind,
      path: kind === 'Prefix' ? normalizePrefix(path) : path,
      backend: be(key),
      ingress: 'ns/i',
    };
    if (kind === 'Exact') r.exact.set(route.path, route);
    else r.prefixes.push(route);
  }
  r.prefixes.sort((a, b) => b.path.length - a.path.length);
  return r;
}

describe('path matching', () => {
  // The examples table of the Ingress API documentation (path types and matches).
  const cases: [PathKind, string, string, boolean][] = [
    ['Prefix', '/', '/anything/at/all', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/foo', '/foobar', false],
  ];
  for (const [kind, path, request, want] of cases) {
    it(`${kind} ${path} ${want ? 'matches' : 'does not match'} ${request}`, () => {
      assert.equal(matchPath(routes([kind, path, 'x']), request) !== undefined, want);
    });
  }

  it('prefers the longest matching path, and Exact over Prefix of the same length', () => {
    const r = routes(['Prefix', '/', 'root'], ['Prefix', '/aaa', 'aaa'], ['Prefix', '/aaa/bbb', 'bbb']);
    assert.equal(matchPath(r, '/aaa/bbb/c')?.backend.key, 'bbb');
    assert.equal(matchPath(r, '/aaa/b')?.backend.key, 'aaa');
    assert.equal(matchPath(r, '/ccc')?.backend.key, 'root');
    const both = routes(['Prefix', '/foo', 'prefix'], ['Exact', '/foo', 'exact']);
    assert.equal(matchPath(both, '/foo')?.backend.key, 'exact');
    assert.equal(matchPath(both, '/foo/x')?.backend.key, 'prefix');
  });

  it('prefixMatches works on whole elements; "/" matches everything', () => {
    assert.ok(prefixMatches('/', '/'));
    assert.ok(prefixMatches('/a', '/a/b'));
    assert.ok(!prefixMatches('/a', '/ab'));
    assert.equal(normalizePrefix('/a///'), '/a');
    assert.equal(normalizePrefix('/'), '/');
  });
});

describe('host matching', () => {
  const table = emptyTable();
  table.hosts.set('foo.bar.com', routes(['Prefix', '/', 'exact-host'], ['Prefix', '/only-exact', 'oe']));
  table.wildcards.set('bar.com', routes(['Prefix', '/', 'wildcard'], ['Prefix', '/w', 'w']));
  table.anyHost = routes(['Prefix', '/any', 'any']);

  it('an exact host beats a wildcard that also covers it', () => {
    assert.equal(lookup(table, 'foo.bar.com', '/x')?.backend.key, 'exact-host');
  });

  it('a wildcard matches exactly one more label', () => {
    assert.equal(lookup(table, 'baz.bar.com', '/x')?.backend.key, 'wildcard');
    assert.equal(lookup(table, 'bar.com', '/x'), undefined);
    assert.equal(lookup(table, 'a.baz.bar.com', '/x'), undefined);
  });

  it('falls through to wildcard, then host-less rules when the host has no matching path', () => {
    const t = emptyTable();
    t.hosts.set('foo.bar.com', routes(['Prefix', '/api', 'api']));
    t.wildcards.set('bar.com', routes(['Prefix', '/w', 'w']));
    t.anyHost = routes(['Prefix', '/any', 'any']);
    assert.equal(lookup(t, 'foo.bar.com', '/api/v1')?.backend.key, 'api');
    assert.equal(lookup(t, 'foo.bar.com', '/w')?.backend.key, 'w');
    assert.equal(lookup(t, 'foo.bar.com', '/any')?.backend.key, 'any');
    assert.equal(lookup(t, 'other.com', '/any')?.backend.key, 'any');
    assert.equal(lookup(t, 'other.com', '/api'), undefined);
  });

  it('uses the default backend when nothing matches', () => {
    const t = emptyTable();
    t.anyHost = routes(['Exact', '/x', 'x']);
    assert.equal(lookup(t, 'h', '/y'), undefined);
    t.defaultBackend = be('default');
    const m = lookup(t, 'h', '/y');
    assert.equal(m?.backend.key, 'default');
    assert.equal(m?.route, undefined);
  });
});

describe('request parsing', () => {
  it('normalizes Host headers: case, port, IPv6 brackets, trailing dot', () => {
    assert.equal(normalizeHost('Foo.Example.COM:8080'), 'foo.example.com');
    assert.equal(normalizeHost('foo.example.com.'), 'foo.example.com');
    assert.equal(normalizeHost('[::1]:443'), '::1');
    assert.equal(normalizeHost('::1'), '::1');
    assert.equal(normalizeHost(undefined), '');
  });

  it('splits a request target into path and (absolute form) host', () => {
    assert.deepEqual(splitTarget('/a/b?x=1#f'), { path: '/a/b' });
    assert.deepEqual(splitTarget('http://h.example:81/p?q'), { path: '/p', host: 'h.example:81' });
    assert.deepEqual(splitTarget('*'), { path: '/' });
  });
});

describe('certificate lookup', () => {
  it('finds an exact host first, then a covering wildcard, never a deeper name', () => {
    const t = emptyTable();
    const exact = { id: 'e', certPem: 'c', keyPem: 'k' };
    const wild = { id: 'w', certPem: 'c', keyPem: 'k' };
    t.tls.set('a.example.com', exact);
    t.tls.set('*.example.com', wild);
    assert.equal(certificateFor(t, 'A.example.com')?.id, 'e');
    assert.equal(certificateFor(t, 'b.example.com')?.id, 'w');
    assert.equal(certificateFor(t, 'x.b.example.com'), undefined);
    assert.equal(certificateFor(t, 'example.com'), undefined);
  });
});
