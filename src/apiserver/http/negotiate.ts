/**
 * Content negotiation on Accept: JSON, a meta.k8s.io Table (kubectl get), or aggregated
 * discovery. Protobuf is offered by kubectl with JSON as a fallback, so JSON answers it.
 */

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return { type: (type ?? '').toLowerCase(), params: p };
  });
}

/** True when the client asks for a Table (`as=Table;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  return parseAccept(accept).some(
    (m) => m.params['as'] === 'Table' && (m.params['g'] ?? 'meta.k8s.io') === 'meta.k8s.io',
  );
}

/** True when the client offers aggregated discovery v2 (`as=APIGroupDiscoveryList;v=v2`). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return parseAccept(accept).some(
    (m) =>
      m.params['as'] === 'APIGroupDiscoveryList' &&
      m.params['g'] === 'apidiscovery.k8s.io' &&
      m.params['v'] === 'v2',
  );
}

export const AGGREGATED_DISCOVERY_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
