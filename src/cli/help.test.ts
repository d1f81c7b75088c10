/** Tests of the generated help: every declared flag appears, with its value name and default. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentCommand } from './agent.js';
import { commandHelp, topLevelHelp, usageHint } from './help.js';
import { COMMANDS } from './run.js';
import { serverCommand } from './server.js';

describe('help', () => {
  it('lists every command with its summary at the top level', () => {
    const text = topLevelHelp(COMMANDS);
    assert.match(text, /^k8ts - /);
    assert.match(text, /Usage:\n {2}k8ts <command> \[flags\]/);
    for (const c of COMMANDS) assert.ok(text.includes(`  ${c.name}`) && text.includes(c.summary));
    assert.match(text, /-h, --help/);
    assert.match(text, /--version/);
  });

  it('lists the server flags with value names and defaults', () => {
    const text = commandHelp(serverCommand);
    assert.match(text, /Usage:\n {2}k8ts server \[flags\]/);
    assert.match(text, /--data-dir DIR +Directory for this node's state.*\(default "\/var\/lib\/k8ts"\)/);
    assert.match(text, /--datastore-endpoint URL +etcd members/);
    assert.match(text, /-h, --help +Show this help/);
  });

  it('says that the agent joins a server and runs a real kubelet', () => {
    const text = commandHelp(agentCommand);
    assert.match(text, /joins a server/);
    assert.match(text, /runs a real kubelet/);
    for (const flag of ['--server URL', '--token TOKEN', '--data-dir DIR'])
      assert.ok(text.includes(flag), flag);
    assert.ok(!text.includes('--datastore-endpoint'));
  });

  it('aligns the flag descriptions in one column', () => {
    const lines = commandHelp(serverCommand).split('\n');
    const columns = ["Directory for this node's state", 'etcd members', 'Show this help'].map((text) => {
      const line = lines.find((l) => l.includes(text));
      assert.ok(line, text);
      return line.indexOf(text);
    });
    assert.equal(new Set(columns).size, 1, lines.join('\n'));
  });

  it('points to --help after a usage error', () => {
    assert.equal(usageHint('server'), "Run 'k8ts server --help' for usage.");
    assert.equal(usageHint(), "Run 'k8ts --help' for usage.");
  });
});
