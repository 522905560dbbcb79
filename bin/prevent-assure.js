#!/usr/bin/env node
import { register } from 'tsx/esm/api';

// There is no build step: the command line runs the TypeScript sources, as the service does.
register();
await import('../src/cli/index.ts');
