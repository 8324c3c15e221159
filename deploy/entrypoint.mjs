#!/usr/bin/env node
// The image's entrypoint: `tds migrate`, then the long-running command (default `serve`), in this
// one Node process, so SIGTERM from `docker stop` / systemd reaches the code that stops cleanly
// (no shell in between to swallow it). See docs/deploy.md.
//
//   node deploy/entrypoint.mjs [serve|worker] [flags…]   migrate, then serve / worker
//   node deploy/entrypoint.mjs <any other tds command>   that command alone (e.g. `queue status`)
//
// The CLI is found at the same place relative to this file in the repository and in the image
// (/app/deploy/entrypoint.mjs beside /app/packages/adapter-cli).
import { runCli } from '../packages/adapter-cli/dist/index.js';

const MIGRATE_FIRST = new Set(['serve', 'worker']);
const args = process.argv.slice(2);
const command = args.length === 0 ? ['serve'] : args;

// A stop requested while migrations run must not go on to start the server. The CLI installs its
// own handlers while a command runs; this one only remembers the request between commands.
let stopRequested = false;
const remember = () => (stopRequested = true);
process.on('SIGTERM', remember);
process.on('SIGINT', remember);

async function main() {
  if (MIGRATE_FIRST.has(command[0])) {
    const migrated = await runCli(['migrate']);
    if (migrated !== 0) return migrated;
    if (stopRequested) return 0;
  }
  return runCli(command);
}

const code = await main();
process.exitCode = code;
// As in the CLI's own bin: a forgotten handle must not keep a stopped service from exiting.
setTimeout(() => {
  process.stderr.write('tds entrypoint: a handle was still open after the command finished; exiting\n');
  process.exit(code);
}, 5_000).unref();
