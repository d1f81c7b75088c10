/** Tests of `k8ts server` against a real SQLite database in a temporary data directory. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CliContext } from './command.js';
import { runCli } from './run.js';

describe('k8ts server', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8ts-server-test-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens SQLite, serves the API, writes the admin kubeconfig, and closes when stopped', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    const ctx: CliContext = {
      out: (text) => {
        out.push(text);
        // Ask it to stop once it is serving, as a signal would.
        if (text.includes('kubeconfig written')) stop.abort('SIGTERM');
      },
      err: (text) => err.push(text),
      signal: stop.signal,
    };
    const code = await runCli(
      ['server', '--data-dir', dataDir, '--https-port', '0', '--disable-agent'],
      ctx,
      {
        version: '0.0.0',
      },
    );
    assert.equal(code, 0, err.join('\n'));
    const db = join(dataDir, 'db', 'state.db');
    assert.equal(out[0], `k8ts server: datastore sqlite ${db}, revision 0`);
    assert.match(out[1] ?? '', /^k8ts server: API server ready at https:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    assert.equal(out[2], `k8ts server: admin kubeconfig written to ${join(dataDir, 'admin.kubeconfig')}`);
    assert.equal(out[3], 'k8ts server: SIGTERM received, shutting down');
    assert.ok(existsSync(db));
    assert.ok(existsSync(join(dataDir, 'admin.kubeconfig')));
    assert.ok(existsSync(join(dataDir, 'tls', 'ca.crt')));
  });

  it('reports a data directory it cannot use in one line and exits 1', async () => {
    const err: string[] = [];
    const ctx: CliContext = {
      out: () => {},
      err: (text) => err.push(text),
      signal: AbortSignal.abort('test'),
    };
    const file = join(dataDir, 'a-file');
    writeFileSync(file, '');
    const code = await runCli(['server', `--data-dir=${file}`], ctx, { version: '0.0.0' });
    assert.equal(code, 1);
    assert.equal(err.join('\n').split('\n').length, 1, err.join('\n'));
    assert.match(err[0] ?? '', /^k8ts server: .*ENOTDIR/);
  });
});
