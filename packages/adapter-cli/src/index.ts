export { runCli, type RunCliOptions } from './run-cli';
export { buildProgram } from './program';
export { EXIT, CliError, UsageError } from './runtime/cli-error';
export { ENTITIES, parseEntities, type Entity } from './runtime/entities';
export type { CliContext } from './runtime/context';
export type { CliIo } from './runtime/io';
export { runDemo, type DemoOptions, type DemoSummary } from './demo/run-demo';
