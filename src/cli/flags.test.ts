/** Tests of the flag parser: forms of values, defaults, types and the usage errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlagTable, parseFlags, UsageError } from './flags.js';

const table = {
  'data-dir': { kind: 'string', default: '/var/lib/k8ts', description: 'data' },
  endpoint: { kind: 'string', description: 'endpoint' },
  port: { kind: 'number', default: 6443, description: 'port' },
  nodes: { kind: 'number', description: 'nodes' },
  debug: { kind: 'boolean', short: 'd', description: 'debug' },
  'tls-san': { kind: 'list', description: 'names' },
  token: { kind: 'string', short: 't', description: 'token' },
} as const satisfies FlagTable;

function usageError(argv: string[]): string {
  try {
    parseFlags(table, argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'a usage error is one line');
    return err.message;
  }
  assert.fail(`no error for ${JSON.stringify(argv)}`);
}

describe('parseFlags', () => {
  it('fills defaults when no flag is given', () => {
    const { flags, args, help } = parseFlags(table, []);
    assert.deepEqual(flags, {
      'data-dir': '/var/lib/k8ts',
      endpoint: undefined,
      port: 6443,
      nodes: undefined,
      debug: false,
      'tls-san': [],
      token: undefined,
    });
    assert.deepEqual(args, []);
    assert.equal(help, false);
  });

  it('accepts --flag value and --flag=value', () => {
    const { flags } = parseFlags(table, ['--data-dir', '/tmp/a', '--endpoint=http://x:2379']);
    assert.equal(flags['data-dir'], '/tmp/a');
    assert.equal(flags.endpoint, 'http://x:2379');
  });

  it('keeps everything after the first = as the value', () => {
    assert.equal(parseFlags(table, ['--token=a=b=c']).flags.token, 'a=b=c');
  });

  it('lets the last occurrence win', () => {
    assert.equal(parseFlags(table, ['--data-dir', '/a', '--data-dir=/b']).flags['data-dir'], '/b');
  });

  it('accepts short names', () => {
    const { flags } = parseFlags(table, ['-t', 'secret', '-d']);
    assert.equal(flags.token, 'secret');
    assert.equal(flags.debug, true);
  });

  it('parses numbers', () => {
    const { flags } = parseFlags(table, ['--port', '7443', '--nodes=100']);
    assert.equal(flags.port, 7443);
    assert.equal(flags.nodes, 100);
  });

  it('parses switches without taking the next argument', () => {
    const { flags, args } = parseFlags(table, ['--debug', 'extra']);
    assert.equal(flags.debug, true);
    assert.deepEqual(args, ['extra']);
    assert.equal(parseFlags(table, ['--debug=false']).flags.debug, false);
  });

  it('collects repeated and comma-separated list values', () => {
    const { flags } = parseFlags(table, ['--tls-san', 'a.example,b.example', '--tls-san=10.0.0.1']);
    assert.deepEqual(flags['tls-san'], ['a.example', 'b.example', '10.0.0.1']);
  });

  it('returns positional arguments and everything after --', () => {
    const { flags, args } = parseFlags(table, ['one', '--token', 't', '--', '--data-dir', 'x']);
    assert.deepEqual(args, ['one', '--data-dir', 'x']);
    assert.equal(flags['data-dir'], '/var/lib/k8ts');
  });

  it('reports help for -h and --help anywhere before --', () => {
    assert.equal(parseFlags(table, ['-h']).help, true);
    assert.equal(parseFlags(table, ['--data-dir', '/x', '--help']).help, true);
    assert.equal(parseFlags(table, ['--bogus', '--help']).help, true);
    assert.equal(parseFlags(table, ['--', '--help']).help, false);
  });

  it('rejects unknown flags, naming them', () => {
    assert.equal(usageError(['--bogus']), 'unknown flag --bogus');
    assert.equal(usageError(['--bogus=1']), 'unknown flag --bogus');
    assert.equal(usageError(['-x']), 'unknown flag -x');
  });

  it('rejects a missing value', () => {
    assert.equal(usageError(['--data-dir']), 'flag --data-dir needs a value');
    assert.equal(usageError(['--data-dir', '--debug']), 'flag --data-dir needs a value');
    assert.equal(usageError(['--data-dir=']), 'flag --data-dir needs a value');
    assert.equal(usageError(['-t']), 'flag -t needs a value');
    assert.equal(usageError(['--tls-san=,']), 'flag --tls-san needs a value');
  });

  it('rejects values of the wrong type', () => {
    assert.match(usageError(['--port', 'abc']), /^flag --port needs a whole number/);
    assert.match(usageError(['--port=1.5']), /^flag --port needs a whole number/);
    assert.match(usageError(['--debug=yes']), /^flag --debug takes true or false/);
  });
});
