#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx): no build step between a fresh clone and a running site.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
