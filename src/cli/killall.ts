/**
 * `k8ts killall`: stops every pod of the node kept in --data-dir and removes its network
 * state (bridge, routes, portmap chains), for use after `k8ts server` or `k8ts agent`
 * stopped (they leave pods running so that a restart re-adopts them).
 */
import { join, resolve } from 'node:path';
import { killall } from '../kubelet/agent/killall.js';
import { defineCommand } from './command.js';
import { dataDirFlag } from './common-flags.js';

export const killallCommand = defineCommand({
  name: 'killall',
  summary: "Stop this node's pods and remove its network state",
  description: [
    'Stops and removes every pod sandbox and container of the node whose data directory is',
    'given, unmounts what the kubelet mounted there, and removes the node bridge, its CNI',
    'configuration and (when no other node on this machine uses them) the routes that keep',
    'cluster addresses on the machine. Run it when the server or agent has stopped.',
  ],
  flags: { 'data-dir': dataDirFlag },
  async run(values, ctx) {
    await killall(join(resolve(values['data-dir']), 'agent'), (m) => ctx.out(`k8ts killall: ${m}`));
    return 0;
  },
});
