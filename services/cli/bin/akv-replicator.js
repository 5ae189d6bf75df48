#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx akv-replicator` works in a checkout straight
// after `npm ci`. The container image runs the bundle `npm run build` writes (dist/main.js).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
