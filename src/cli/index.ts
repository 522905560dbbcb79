import { main } from './main.ts';

// The program itself is in main.ts, so that the tests can run a command without starting a process.
// exitCode rather than process.exit(), so that output still being written to a pipe is not cut off.
process.exitCode = await main(process.argv.slice(2));
