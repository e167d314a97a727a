#!/usr/bin/env node
// `npm run bench`: runs the TypeScript benchmark through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
