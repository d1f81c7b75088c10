/**
 * Waits until `count` simulated nodes have registered and report Ready, polling the Node
 * list (bounded by `timeoutMs`). Returns the seconds it took.
 */
import type { HttpsTransport } from '../../src/client/https.js';

interface NodeList {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

export async function waitForNodes(http: HttpsTransport, count: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  let ready = 0;
  while (performance.now() - t0 < timeoutMs) {
    const res = await http.request('GET', '/api/v1/nodes?labelSelector=type%3Dsimulated');
    if (res.status === 200) {
      const list = JSON.parse(res.body.toString('utf8')) as NodeList;
      ready = list.items.filter((n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      if (ready >= count) return (performance.now() - t0) / 1000;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`only ${ready} of ${count} simulated nodes Ready within ${timeoutMs / 1000} s`);
}
