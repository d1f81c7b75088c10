/** Tests of the top level of the CLI: dispatch, --help, --version, and exit codes for bad usage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliContext } from './command.js';
import { runCli } from './run.js';

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function run(...argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    signal: AbortSignal.abort('test'),
  };
  const code = await runCli(argv, ctx, { version: '1.2.3' });
  return { code, out, err };
}

/** The lines written to standard error, one per array element. */
function errLines(r: Captured): string[] {
  return r.err.join('\n').split('\n');
}

describe('runCli', () => {
  it('prints the top-level help for --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run(flag);
      assert.equal(r.code, 0);
      assert.match(r.out.join('\n'), /Commands:\n {2}server .*\n {2}agent /);
      assert.deepEqual(r.err, []);
    }
  });

  it('prints the help on standard error and exits 2 without a command', async () => {
    const r = await run();
    assert.equal(r.code, 2);
    assert.match(r.err.join('\n'), /Usage:/);
  });

  it('prints the version', async () => {
    const r = await run('--version');
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, ['k8ts version v1.2.3']);
  });

  it('prints a command help', async () => {
    for (const cmd of ['server', 'agent']) {
      const r = await run(cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out.join('\n'), new RegExp(`^k8ts ${cmd} - `));
    }
  });

  it('rejects an unknown command with one line and a hint', async () => {
    const r = await run('serve');
    assert.equal(r.code, 2);
    assert.deepEqual(errLines(r), ['k8ts: unknown command "serve"', "Run 'k8ts --help' for usage."]);
  });

  it('rejects an unknown top-level flag', async () => {
    const r = await run('--bogus=1');
    assert.equal(r.code, 2);
    assert.deepEqual(errLines(r), ['k8ts: unknown flag --bogus', "Run 'k8ts --help' for usage."]);
  });

  it('rejects an unknown command flag with one line and a hint', async () => {
    const r = await run('server', '--bogus');
    assert.equal(r.code, 2);
    assert.deepEqual(errLines(r), [
      'k8ts server: unknown flag --bogus',
      "Run 'k8ts server --help' for usage.",
    ]);
  });

  it('rejects a missing value', async () => {
    const r = await run('server', '--data-dir');
    assert.equal(r.code, 2);
    assert.deepEqual(errLines(r), [
      'k8ts server: flag --data-dir needs a value',
      "Run 'k8ts server --help' for usage.",
    ]);
  });

  it('rejects a positional argument', async () => {
    const r = await run('server', 'extra');
    assert.equal(r.code, 2);
    assert.equal(errLines(r)[0], 'k8ts server: unexpected argument "extra"');
  });

  it('rejects a datastore endpoint it cannot use before opening anything', async () => {
    const r = await run(
      'server',
      '--data-dir',
      '/nonexistent/k8ts',
      '--datastore-endpoint',
      'mysql://db:3306',
    );
    assert.equal(r.code, 2);
    const [first, hint] = errLines(r);
    assert.match(
      first ?? '',
      /^k8ts server: unsupported datastore endpoint "mysql:\/\/db:3306"; accepted forms: /,
    );
    assert.equal(hint, "Run 'k8ts server --help' for usage.");
  });

  it('requires --server for an agent', async () => {
    const r = await run('agent', '--token', 't');
    assert.equal(r.code, 2);
    assert.match(
      errLines(r)[0] ?? '',
      /^k8ts agent: an agent needs a server to join: give its URL with --server/,
    );
  });

  it('refuses a real agent without a token before touching anything', async () => {
    const r = await run('agent', '--server', 'https://10.0.0.1:6443');
    assert.equal(r.code, 2);
    assert.match(errLines(r)[0] ?? '', /an agent needs a token/);
    assert.deepEqual(r.out, []);
  });
});
