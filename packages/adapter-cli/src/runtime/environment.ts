import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { UsageError } from './cli-error';

export type Env = Record<string, string | undefined>;

/**
 * The process environment over an optional .env file: real variables win (the file never
 * overrides them). An explicit `--dotenv` must exist; the default `./.env` is optional.
 */
export function readEnvironment(options: { cwd: string; envFile?: string; processEnv: Env }): Env {
  const path = resolve(options.cwd, options.envFile ?? '.env');
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (options.envFile !== undefined) {
      throw new UsageError(`cannot read the env file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  const fromFile = text === undefined ? {} : dotenv.parse(text);
  const merged: Env = { ...fromFile };
  for (const [key, value] of Object.entries(options.processEnv)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** Flag values laid over the environment (flags win); undefined flags leave the variable alone. */
export function withOverrides(env: Env, overrides: Record<string, string | number | undefined>): Env {
  const out: Env = { ...env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) out[key] = String(value);
  return out;
}
