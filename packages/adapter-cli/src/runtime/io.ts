/** Where the CLI writes: stdout holds results only (one JSON document with --json); everything else goes to stderr. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress bars) or a pipe/file (plain periodic lines). */
  stderrIsTTY: boolean;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: Boolean(process.stderr.isTTY) };
}

/** Writes with a guaranteed trailing newline. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
