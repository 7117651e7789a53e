import { main } from './cli.ts';

/* The `alongside` command's entry point (bin/alongside.js loads the compiled copy of this file). */
process.exitCode = await main(process.argv.slice(2));
