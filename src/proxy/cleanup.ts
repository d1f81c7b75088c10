/**
 * Removes what a node's service proxy left in the kernel when it could not clean up
 * itself (killed, or `k8ts killall`): its nftables table and its ClusterIP routes on the
 * node's bridge. Other tables and routes are never touched.
 */
import { flushVipRoutes } from './host.js';
import { proxyTableName } from './names.js';
import { commandRunner, type Runner } from './runner.js';

export async function removeProxyLeftovers(bridge: string, runner: Runner = commandRunner()): Promise<void> {
  await runner.run('nft', ['delete', 'table', 'ip', proxyTableName(bridge)]);
  await flushVipRoutes(runner, bridge);
}
