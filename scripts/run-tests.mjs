#!/usr/bin/env node
// Runs the compiled tests: every *.test.js under dist/ (or those whose path contains one of
// the substrings given as arguments) through Node's test runner, one file at a time, with
// the spec reporter on standard output. A TAP copy of the report is kept aside to read the
// totals, which are printed at the end as the runner's summary lines and as one plain line,
// `tests: N passed, N failed`. Exits non-zero if a test failed or if no test ran.
//
// Usage: node scripts/run-tests.mjs [substring...]     (after `npm run build`)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const filters = process.argv.slice(2);

/** Every *.test.js file under `dir`, skipping node_modules, in a stable order. */
function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

/** The last value of each `# name N` summary line of a TAP report. */
function readTotals(tap) {
  const totals = {};
  for (const line of tap.split('\n')) {
    const m = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) (\S+)$/.exec(line);
    if (m) totals[m[1]] = m[2];
  }
  return totals;
}

function finish(passed, failed, code) {
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(code);
}

if (!existsSync(dist)) {
  console.error(`run-tests: ${dist} does not exist; run 'npm run build' first`);
  finish(0, 0, 1);
}
const files = findTests(dist).filter(
  (f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)),
);
if (files.length === 0) {
  console.error(
    `run-tests: no test files under dist/${filters.length ? ` matching ${filters.join(', ')}` : ''}`,
  );
  finish(0, 0, 1);
}

const reportDir = mkdtempSync(join(tmpdir(), 'k8ts-tests-'));
const tapFile = join(reportDir, 'report.tap');
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    // No single test may hang the run: each gets at most five minutes.
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to this script is passed on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

child.on('exit', (code, signal) => {
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  rmSync(reportDir, { recursive: true, force: true });
  const totals = readTotals(tap);
  const summary = Object.entries(totals).map(([name, value]) => `# ${name} ${value}`);
  console.log(['', ...summary].join('\n'));
  const tests = Number(totals.tests ?? 0);
  const passed = Number(totals.pass ?? 0);
  const failed = Number(totals.fail ?? 0) + Number(totals.cancelled ?? 0);
  if (signal) console.error(`run-tests: the test runner was ended by ${signal}`);
  else if (tests === 0) console.error('run-tests: no test ran');
  const failedRun = code !== 0 || signal !== null || failed > 0 || tests === 0;
  finish(passed, failed, failedRun ? code || 1 : 0);
});
