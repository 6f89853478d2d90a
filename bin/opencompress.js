#!/usr/bin/env node
// The package's CLI entry: runs the compiled CLI (built by `npm install` via `prepare`).
import '../dist/cli.js';
