import { writeLine, type CliIo } from './io';

const jsonReplacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** The one JSON document of a `--json` command (and nothing else on stdout). */
export function printJson(io: CliIo, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value ?? null, jsonReplacer, 2));
}

export function printText(io: CliIo, text: string): void {
  writeLine(io.stdout, text);
}

/** Prints a result as JSON or as text, as the --json flag asks. */
export function printResult<T>(io: CliIo, json: boolean | undefined, value: T, toText: (value: T) => string): void {
  if (json) printJson(io, value);
  else printText(io, toText(value));
}
