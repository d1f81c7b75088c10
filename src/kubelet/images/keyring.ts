/**
 * Registry credentials from a pod's imagePullSecrets, as the kubelet's keyring reads them:
 * Secrets of type kubernetes.io/dockerconfigjson (`.dockerconfigjson`, an `auths` map) and
 * kubernetes.io/dockercfg (`.dockercfg`, the map itself), keyed by registry (host, host
 * with a path prefix, or a URL; `*.example.com` globs), with `auth` (base64 user:pass) or
 * username/password. Docker Hub's other names (index.docker.io, registry-1.docker.io,
 * https://index.docker.io/v1/) count as docker.io. Pure: it reads objects it is given and
 * fetches nothing; Secrets of other types are ignored.
 */
import type { KObject } from '../../registry/types.js';
import type { AuthConfig } from '../cri/types.js';
import { DOCKER_HUB } from './reference.js';

const HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

interface Entry {
  /** Host (maybe a glob, maybe with :port) and an optional path prefix. */
  host: string;
  path: string;
  auth: AuthConfig;
}

/** Credentials by registry, in lookup order (longest, most specific keys first). */
export interface Keyring {
  entries: Entry[];
}

/** A malformed docker config in a Secret: the pull fails with this message. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** The user and password of a docker config `auth` field (base64 of `user:password`). */
function decodeAuthField(field: string): [string, string] {
  const decoded = decodeBase64(field.trim());
  const colon = decoded.indexOf(':');
  if (colon === -1) {
    throw new KeyringError('unable to parse auth field, must be formatted as base64(username:password)');
  }
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function entryFor(key: string, value: unknown): Entry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
  let [username, password] = [str('username'), str('password')];
  if (str('auth') !== '') [username, password] = decodeAuthField(str('auth'));
  let url: URL;
  try {
    url = new URL(/^https?:\/\//.test(key) ? key : `https://${key}`);
  } catch {
    return undefined;
  }
  let path = url.pathname;
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
  if (path === '/') path = '';
  let host = url.host;
  if (HUB_ALIASES.has(host)) host = DOCKER_HUB;
  const auth: AuthConfig = {};
  if (username !== '') auth.username = username;
  if (password !== '') auth.password = password;
  return { host, path, auth };
}

function parseJson(text: string, secret: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new KeyringError(`invalid docker config in secret ${secret}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KeyringError(`invalid docker config in secret ${secret}: not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Builds the keyring from the pod's pull Secrets (in the order given). Throws KeyringError. */
export function keyringFromSecrets(secrets: readonly KObject[]): Keyring {
  const entries: Entry[] = [];
  for (const secret of secrets) {
    const data = (secret['data'] ?? {}) as Record<string, unknown>;
    const name = secret.metadata?.name ?? '';
    let config: Record<string, unknown> | undefined;
    const json = data['.dockerconfigjson'];
    const cfg = data['.dockercfg'];
    if (secret['type'] === 'kubernetes.io/dockerconfigjson' && typeof json === 'string' && json !== '') {
      const auths = parseJson(decodeBase64(json), name)['auths'];
      config = typeof auths === 'object' && auths !== null ? (auths as Record<string, unknown>) : {};
    } else if (secret['type'] === 'kubernetes.io/dockercfg' && typeof cfg === 'string' && cfg !== '') {
      config = parseJson(decodeBase64(cfg), name);
    }
    for (const [key, value] of Object.entries(config ?? {})) {
      const e = entryFor(key, value);
      if (e) entries.push(e);
    }
  }
  // Most specific first, as the kubelet sorts its index in reverse order.
  const order = (e: Entry): string => e.host + e.path;
  entries.sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0));
  return { entries };
}

function splitPort(host: string): [string, string] {
  const m = /^(.*?)(?::(\d+))?$/.exec(host);
  return [m?.[1] ?? host, m?.[2] ?? ''];
}

/** A glob of one DNS label (`*`, `?`, character classes as in path matching). */
function labelMatches(glob: string, label: string): boolean {
  const re = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^.]*')
    .replace(/\?/g, '[^.]');
  try {
    return new RegExp(`^${re}$`).test(label);
  } catch {
    return false;
  }
}

function hostMatches(glob: string, host: string): boolean {
  const [gHost, gPort] = splitPort(glob);
  const [tHost, tPort] = splitPort(host);
  if (gPort !== tPort) return false;
  const g = gHost.split('.');
  const t = tHost.split('.');
  return g.length === t.length && g.every((label, i) => labelMatches(label, t[i]!));
}

/**
 * Every credential for `repo` (`domain/path` of a normalised reference), in the order to
 * try them; empty when none matches (then the pull is anonymous).
 */
export function lookupCredentials(keyring: Keyring, repo: string): AuthConfig[] {
  const slash = repo.indexOf('/');
  const host = slash === -1 ? repo : repo.slice(0, slash);
  const path = slash === -1 ? '' : repo.slice(slash);
  return keyring.entries
    .filter((e) => hostMatches(e.host, host) && path.startsWith(e.path))
    .map((e) => ({ ...e.auth }));
}
