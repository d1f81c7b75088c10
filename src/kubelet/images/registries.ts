/**
 * The node's registries file (as k3s's registries.yaml): `mirrors` sends pulls of a
 * registry (or `*`, every registry) to other endpoints, `configs` gives a registry host
 * credentials and TLS settings. This module parses and validates the YAML (every error is
 * one line naming the file and the field) and answers which credentials the node has for
 * a registry. Pure: it reads no file (./registries-file.ts does) and renders no containerd
 * configuration (../containerd/config.ts does). `rewrite` is validated and kept, but
 * containerd 1.6's hosts.toml cannot apply it (see registriesWarnings).
 */
import { parse } from 'yaml';
import type { AuthConfig } from '../cri/types.js';
import { REGISTRY_HOST } from './reference.js';

export interface RegistryMirror {
  /** Endpoint URLs, tried in order (http:// means plain HTTP). */
  endpoint: string[];
  /** Repository rewrites (regular expression -> replacement). */
  rewrite?: Record<string, string>;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** base64 of `username:password`. */
  auth?: string;
  identitytoken?: string;
}

export interface RegistryTls {
  insecure_skip_verify?: boolean;
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
}

export interface RegistryHostConfig {
  auth?: RegistryAuth;
  tls?: RegistryTls;
}

export interface RegistriesConfig {
  /** By registry host (`docker.io`, `registry.example.com:5000`) or `*`. */
  mirrors: Record<string, RegistryMirror>;
  /** By registry host (an endpoint's host:port for mirrors). */
  configs: Record<string, RegistryHostConfig>;
}

/** The registries file is invalid: the message is one line naming the file and field. */
export class RegistriesError extends Error {
  override readonly name = 'RegistriesError';
}

type Fail = (field: string, why: string) => never;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const key = (k: string): string => `[${JSON.stringify(k)}]`;

function mapAt(v: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) fail(field, 'must be a mapping');
  return v;
}

function onlyKeys(v: Record<string, unknown>, allowed: string[], field: string, fail: Fail): void {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) fail(`${field}.${k}`, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

function str(v: unknown, field: string, fail: Fail): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(field, 'must be a string');
  return v;
}

function checkHost(host: string, field: string, fail: Fail, wildcard: boolean): void {
  if (wildcard && host === '*') return;
  if (!REGISTRY_HOST.test(host)) {
    fail(
      field,
      `${JSON.stringify(host)} is not a registry host (want host or host:port${wildcard ? ', or "*"' : ''})`,
    );
  }
}

/** The endpoint as a URL string (https:// assumed without a scheme). */
function endpointUrl(raw: string, field: string, fail: Fail): string {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail(field, `${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(field, `${JSON.stringify(raw)} must be an http:// or https:// URL`);
  }
  if (url.username || url.password) fail(field, 'must not carry credentials (put them under configs)');
  if (url.search || url.hash) fail(field, `${JSON.stringify(raw)} must not have a query or fragment`);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

function parseMirror(v: unknown, field: string, fail: Fail): RegistryMirror {
  const m = mapAt(v, field, fail);
  onlyKeys(m, ['endpoint', 'rewrite'], field, fail);
  const ep = m['endpoint'];
  if (!Array.isArray(ep) || ep.length === 0) fail(`${field}.endpoint`, 'must be a non-empty list of URLs');
  const endpoint = ep.map((e, i) =>
    endpointUrl(str(e, `${field}.endpoint[${i}]`, fail) ?? '', `${field}.endpoint[${i}]`, fail),
  );
  const out: RegistryMirror = { endpoint };
  if (m['rewrite'] !== undefined && m['rewrite'] !== null) {
    const rw = mapAt(m['rewrite'], `${field}.rewrite`, fail);
    out.rewrite = {};
    for (const [pattern, to] of Object.entries(rw)) {
      const f = `${field}.rewrite${key(pattern)}`;
      try {
        new RegExp(pattern);
      } catch (err) {
        fail(f, `invalid regular expression: ${(err as Error).message}`);
      }
      out.rewrite[pattern] = str(to, f, fail) ?? '';
    }
  }
  return out;
}

function parseHostConfig(v: unknown, field: string, fail: Fail): RegistryHostConfig {
  const c = mapAt(v, field, fail);
  onlyKeys(c, ['auth', 'tls'], field, fail);
  const out: RegistryHostConfig = {};
  if (c['auth'] !== undefined && c['auth'] !== null) {
    const a = mapAt(c['auth'], `${field}.auth`, fail);
    const fields = ['username', 'password', 'auth', 'identitytoken'] as const;
    onlyKeys(a, [...fields], `${field}.auth`, fail);
    const auth: RegistryAuth = {};
    for (const f of fields) {
      const value = str(a[f], `${field}.auth.${f}`, fail);
      if (value !== undefined) auth[f] = value;
    }
    if (auth.auth !== undefined && !Buffer.from(auth.auth, 'base64').toString('utf8').includes(':')) {
      fail(`${field}.auth.auth`, 'must be base64 of username:password');
    }
    out.auth = auth;
  }
  if (c['tls'] !== undefined && c['tls'] !== null) {
    const t = mapAt(c['tls'], `${field}.tls`, fail);
    onlyKeys(t, ['insecure_skip_verify', 'ca_file', 'cert_file', 'key_file'], `${field}.tls`, fail);
    const tls: RegistryTls = {};
    const skip = t['insecure_skip_verify'];
    if (skip !== undefined && skip !== null) {
      if (typeof skip !== 'boolean') fail(`${field}.tls.insecure_skip_verify`, 'must be true or false');
      tls.insecure_skip_verify = skip;
    }
    for (const f of ['ca_file', 'cert_file', 'key_file'] as const) {
      const value = str(t[f], `${field}.tls.${f}`, fail);
      if (value === undefined) continue;
      if (!value.startsWith('/'))
        fail(`${field}.tls.${f}`, `must be an absolute path, not ${JSON.stringify(value)}`);
      tls[f] = value;
    }
    if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      fail(`${field}.tls`, 'cert_file and key_file go together: give both or neither');
    }
    out.tls = tls;
  }
  return out;
}

/** Parses the registries file's text; `file` names it in errors. Throws RegistriesError. */
export function parseRegistries(text: string, file: string): RegistriesConfig {
  const fail: Fail = (field, why) => {
    throw new RegistriesError(`registries file ${file}: ${field}: ${why}`);
  };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const first = ((err as Error).message.split('\n')[0] ?? '').trim();
    throw new RegistriesError(`registries file ${file}: invalid YAML: ${first}`);
  }
  const top = mapAt(doc, '(top level)', fail);
  onlyKeys(top, ['mirrors', 'configs'], '(top level)', fail);
  const out: RegistriesConfig = { mirrors: {}, configs: {} };
  for (const [host, v] of Object.entries(mapAt(top['mirrors'], 'mirrors', fail))) {
    checkHost(host, `mirrors${key(host)}`, fail, true);
    out.mirrors[host] = parseMirror(v, `mirrors${key(host)}`, fail);
  }
  for (const [host, v] of Object.entries(mapAt(top['configs'], 'configs', fail))) {
    checkHost(host, `configs${key(host)}`, fail, false);
    out.configs[host] = parseHostConfig(v, `configs${key(host)}`, fail);
  }
  return out;
}

function toAuthConfig(a: RegistryAuth, serverAddress?: string): AuthConfig | undefined {
  const out: AuthConfig = {};
  if (a.username) out.username = a.username;
  if (a.password) out.password = a.password;
  if (a.auth) out.auth = a.auth;
  if (a.identitytoken) out.identity_token = a.identitytoken;
  if (Object.keys(out).length === 0) return undefined;
  if (serverAddress) out.server_address = serverAddress;
  return out;
}

/**
 * The node's credentials for pulls from registry `host`: its own `configs` entry, else the
 * first of its mirror endpoints that has one (then limited to that endpoint's host, so the
 * runtime does not offer them elsewhere). For the image service's `registryAuth`.
 */
export function registryAuthLookup(cfg: RegistriesConfig): (host: string) => AuthConfig | undefined {
  return (host) => {
    const own = cfg.configs[host]?.auth;
    if (own) return toAuthConfig(own);
    for (const endpoint of (cfg.mirrors[host] ?? cfg.mirrors['*'])?.endpoint ?? []) {
      const url = new URL(endpoint);
      const auth = cfg.configs[url.host]?.auth;
      if (auth) return toAuthConfig(auth, `${url.protocol}//${url.host}`);
    }
    return undefined;
  };
}

/** Settings of the file that containerd 1.6 cannot apply, one line each. */
export function registriesWarnings(cfg: RegistriesConfig, file: string): string[] {
  return Object.entries(cfg.mirrors)
    .filter(([, m]) => m.rewrite && Object.keys(m.rewrite).length > 0)
    .map(
      ([host]) =>
        `registries file ${file}: mirrors${key(host)}.rewrite is ignored: containerd 1.6 cannot rewrite repositories`,
    );
}
