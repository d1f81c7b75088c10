#!/usr/bin/env bash
# Runs the whole test suite: sets up whatever is missing (scripts/setup.sh), then
# `npm test` (build, lint, and every test under dist/ through scripts/run-tests.mjs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm test
