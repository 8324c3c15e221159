import { resolve } from 'node:path';
import type { ConfigRequirements, Logger, TdsCore, TdsEnv } from '@tsh/tds-core';
import { resolveConfig, secretValues, type FlagNames } from './config';
import type { CliContext } from './context';
import { readEnvironment, withOverrides, type Env } from './environment';
import { createCliLogger } from './logger';
import { openCore, type OpenCoreOptions } from './open-core';
import { installShutdown, type Shutdown } from './shutdown';

/** Options every command shares (global flags). */
export interface GlobalOptions {
  envFile?: string;
  logLevel?: string;
}

export interface SessionSpec {
  globals: GlobalOptions;
  /** What the command needs configured (Zoho credentials, webhook secret, admin token). */
  needs?: ConfigRequirements;
  /** Flag values that override environment variables (validated with them). */
  overrides?: Record<string, string | number | undefined>;
  /** Variable → flag, for messages. */
  flags?: FlagNames;
  /** serve / worker / sandbox: info logs by default. */
  longRunning?: boolean;
}

export interface Session {
  env: Env;
  config: TdsEnv;
  logger: Logger;
  shutdown: Shutdown;
}

/** Reads .env + environment + flags, validates them (exit 2 naming each bad variable), makes the logger. */
export function startSession(ctx: CliContext, spec: SessionSpec): Session {
  const base = readEnvironment({ cwd: ctx.cwd, envFile: spec.globals.envFile, processEnv: ctx.processEnv });
  const env = withOverrides(base, { ...spec.overrides, TDS_LOG_LEVEL: spec.globals.logLevel });
  for (const secret of secretValues(env)) ctx.secrets.add(secret);
  const validated = resolveConfig(env, spec.needs, { TDS_LOG_LEVEL: '--log-level', ...spec.flags });
  const config = { ...validated, TDS_DATA_DIR: resolve(ctx.cwd, validated.TDS_DATA_DIR) };
  const logger = createCliLogger(env, { longRunning: spec.longRunning });
  const shutdown = installShutdown(ctx.io);
  shutdown.signal.addEventListener('abort', () => (ctx.interrupted = true), { once: true });
  return { env, config, logger, shutdown };
}

/** Runs `fn` with an open core, then closes it whatever happened (workers stopped, queue locks released, database closed). */
export async function withCore<T>(ctx: CliContext, spec: SessionSpec & Pick<OpenCoreOptions, 'migrate' | 'schedule' | 'claimBindingAs' | 'zoho'>, fn: (core: TdsCore, session: Session) => Promise<T>): Promise<T> {
  const session = startSession(ctx, spec);
  try {
    const core = await openCore({ config: session.config, logger: session.logger, migrate: spec.migrate, schedule: spec.schedule, claimBindingAs: spec.claimBindingAs, zoho: spec.zoho });
    try {
      return await fn(core, session);
    } finally {
      await core.close();
    }
  } finally {
    session.shutdown.dispose();
  }
}
