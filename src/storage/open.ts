/**
 * Chooses and opens the storage backend from the server's settings: no datastore endpoint
 * means the embedded SQLite database under the data directory; one or more etcd URLs mean
 * a real etcd cluster.
 *
 * Each backend's module is loaded with a dynamic `import()` only when chosen, so a SQLite
 * server never loads gRPC and an etcd server never loads the SQLite addon. The parsing is
 * pure and kept apart (`parseDatastoreEndpoint`) so it is tested without opening anything.
 */
import { join } from 'node:path';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** The server's data directory; the SQLite database lives in `<dataDir>/db/state.db`. */
  dataDir: string;
  /** Absent (or empty): SQLite. Otherwise `http(s)://HOST:PORT`, comma-separated for several members. */
  datastoreEndpoint?: string | undefined;
}

/** Where the cluster state lives. */
export type DatastoreTarget = { backend: 'sqlite'; path: string } | { backend: 'etcd'; endpoints: string[] };

/** A datastore endpoint that is not one of the accepted forms. */
export class DatastoreEndpointError extends Error {
  override readonly name = 'DatastoreEndpointError';
}

const ACCEPTED_FORMS =
  'accepted forms: http://HOST:PORT or https://HOST:PORT for etcd (comma-separated for several ' +
  'members, e.g. http://10.0.0.1:2379,http://10.0.0.2:2379); leave it unset for the embedded SQLite database';

/** `scheme://host:port` with an optional trailing slash; the host is a name, IPv4, or [IPv6]. */
const ETCD_URL = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):(\d{1,5})\/?$/i;

/**
 * Parses a `--datastore-endpoint` value. Returns undefined for the embedded SQLite database
 * (absent or blank), or the normalized etcd endpoints. Throws DatastoreEndpointError naming
 * the accepted forms.
 */
export function parseDatastoreEndpoint(endpoint: string | undefined): string[] | undefined {
  if (endpoint === undefined || endpoint.trim() === '') return undefined;
  const endpoints = endpoint.split(',').map((part) => parseEtcdUrl(part.trim(), endpoint));
  const schemes = new Set(endpoints.map((e) => e.slice(0, e.indexOf(':'))));
  if (schemes.size > 1) {
    throw new DatastoreEndpointError(
      `datastore endpoint "${endpoint}" mixes http and https; all etcd members must use the same scheme`,
    );
  }
  return endpoints;
}

function parseEtcdUrl(part: string, whole: string): string {
  if (part === '') {
    throw new DatastoreEndpointError(`datastore endpoint "${whole}" has an empty entry; ${ACCEPTED_FORMS}`);
  }
  const m = ETCD_URL.exec(part);
  if (!m) {
    throw new DatastoreEndpointError(`unsupported datastore endpoint "${part}"; ${ACCEPTED_FORMS}`);
  }
  const scheme = m[1]!;
  const host = m[2]!;
  const port = m[3]!;
  const portNumber = Number(port);
  if (portNumber < 1 || portNumber > 65535) {
    throw new DatastoreEndpointError(`datastore endpoint "${part}" has an invalid port ${port}`);
  }
  return `${scheme.toLowerCase()}://${host.toLowerCase()}:${portNumber}`;
}

/** Resolves the settings to a backend without opening it. Throws DatastoreEndpointError. */
export function datastoreTarget(opts: OpenStoreOptions): DatastoreTarget {
  const endpoints = parseDatastoreEndpoint(opts.datastoreEndpoint);
  if (endpoints) return { backend: 'etcd', endpoints };
  return { backend: 'sqlite', path: join(opts.dataDir, 'db', 'state.db') };
}

/** One line for logs: the backend and where it is. */
export function describeDatastore(target: DatastoreTarget): string {
  return target.backend === 'sqlite' ? `sqlite ${target.path}` : `etcd ${target.endpoints.join(',')}`;
}

/**
 * Opens the store the settings name. Throws DatastoreEndpointError for a bad endpoint and
 * the backend's Unavailable error when it cannot be opened or reached.
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const target = datastoreTarget(opts);
  if (target.backend === 'etcd') {
    const { EtcdStore } = await import('./etcd/store.js');
    return EtcdStore.open({ endpoints: target.endpoints });
  }
  const { SqliteStore } = await import('./sqlite/store.js');
  return SqliteStore.open(target.path);
}
