#!/usr/bin/env node
// Ferry's native-messaging host for its browser extension (see electron/hosts/native-messaging/).
// Browsers start it through the script Ferry writes in its data folder; it answers one message.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(path.join(root, 'electron', 'hosts', 'native-messaging', 'main.ts')).href);
