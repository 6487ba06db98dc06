#!/usr/bin/env node
// The `mobile-mm` command. A committed file (dist/ is built later), so npm
// links the bin at install time; the CLI itself is src/cli.ts → dist/cli.js.
import { access } from 'node:fs/promises';

const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await access(cli);
} catch {
  console.error('error [NOT_BUILT]: mobile-mm is not built yet; run `npm run build` (or `npm start`) at the repository root first.');
  process.exit(1);
}
await import(cli.href);
