#!/usr/bin/env node
// The `ferry` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../electron/hosts/cli/main.ts');
