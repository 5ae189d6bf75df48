#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx's register() hooks the ESM loader, then main runs.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
