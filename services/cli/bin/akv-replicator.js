#!/usr/bin/env node
// Runs the TypeScript sources directly: the workspace ships no build step for the CLI, so
// `npx akv-replicator` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
