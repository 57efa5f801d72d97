#!/usr/bin/env node
// The package's `cloudbase-emulator` command. The package ships its TypeScript source: tsx's require
// hook compiles it as it loads.
'use strict';

require('tsx/cjs');
const { runEmulatorCli } = require('../src/cli.ts');

runEmulatorCli(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
