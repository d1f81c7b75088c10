/**
 * `k8ts agent`: a worker node that joins a server (kubelet and service proxy). The agent
 * is not built yet: this command checks its flags, then says so and exits non-zero. It
 * must not pretend to join anything.
 */
import { defineCommand } from './command.js';
import { dataDirFlag } from './common-flags.js';
import { UsageError } from './flags.js';

const flags = {
  server: {
    kind: 'string',
    placeholder: 'URL',
    description: 'The server to join, such as https://10.0.0.1:6443 (required)',
  },
  token: {
    kind: 'string',
    placeholder: 'TOKEN',
    description: "The cluster's join token, from the server",
  },
  'data-dir': dataDirFlag,
} as const;

export const agentCommand = defineCommand({
  name: 'agent',
  summary: 'Run an agent: a worker node that joins a server (planned)',
  description: [
    'Runs a node agent (kubelet and service proxy) that joins a server given with --server',
    'and --token. The agent is planned and not built yet: this command only checks its',
    "flags. Run 'k8ts server' for what works today.",
  ],
  flags,
  async run(values, ctx) {
    const server = values.server;
    if (server === undefined) {
      throw new UsageError('an agent needs a server to join: give its URL with --server https://HOST:PORT');
    }
    if (!/^https?:\/\/[^/\s]+/i.test(server)) {
      throw new UsageError(`--server must be an http(s) URL such as https://10.0.0.1:6443, not "${server}"`);
    }
    ctx.err(
      `k8ts agent: the agent is not implemented yet, so it cannot join ${server}; run 'k8ts server' instead`,
    );
    return 1;
  },
});
