import { runCli } from './run-cli';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; if a forgotten handle still holds the event loop, do not hang forever.
setTimeout(() => {
  process.stderr.write('tds: a handle was still open after the command finished; exiting\n');
  process.exit(code);
}, 5_000).unref();
