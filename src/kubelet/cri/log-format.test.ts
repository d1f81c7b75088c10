import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCriLog, parseCriLogLine } from './log-format.js';

test('parses a full CRI log line', () => {
  assert.deepEqual(parseCriLogLine('2026-11-22T15:43:25.123456789Z stdout F hello-from-cri'), {
    time: '2026-11-22T15:43:25.123456789Z',
    stream: 'stdout',
    full: true,
    text: 'hello-from-cri',
  });
});

test('rejects lines not in CRI format', () => {
  assert.equal(parseCriLogLine('hello'), undefined);
  assert.equal(parseCriLogLine('notatime stdout F x'), undefined);
  assert.equal(parseCriLogLine('2026-11-22T15:43:25Z stdin F x'), undefined);
});

test('joins partial pieces per stream', () => {
  const log = [
    '2026-11-22T15:43:25.1Z stdout P hel',
    '2026-11-22T15:43:25.2Z stderr F oops',
    '2026-11-22T15:43:25.3Z stdout F lo',
    '2026-11-22T15:43:25.4Z stdout F ',
    '',
  ].join('\n');
  assert.deepEqual(
    parseCriLog(log).map((l) => [l.stream, l.text]),
    [
      ['stderr', 'oops'],
      ['stdout', 'hello'],
      ['stdout', ''],
    ],
  );
});
