import { expectNamedEntryExports } from '@tsh/test-utils';
import { describe, expect, it } from 'vitest';
import * as entry from '../src';
import * as internal from '../src/internal';

const indexPath = new URL('../src/index.ts', import.meta.url);

describe('@tsh/tds-core public entry', () => {
  it('names every export (no export *) and stays about 60 names, types included', () => {
    expectNamedEntryExports(indexPath, 65);
  });

  it('exports exactly the facade, its errors, config, migrations and the logger at runtime', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'ChangeCursorExpiredError',
      'ChangeFeedInputError',
      'ConfigError',
      'DatabaseRequiredError',
      'OrganizationBindingError',
      'QueueInputError',
      'SyncInputError',
      'VerifyInputError',
      'WEBHOOK_TOKEN_HEADER',
      'WebhookBusyError',
      'WebhookRejectedError',
      'createDatabase',
      'createLogger',
      'createTdsCore',
      'entityTypes',
      'isDatabaseUnavailable',
      'isEntityType',
      'loadConfig',
      'migrate',
    ]);
  });

  it('keeps internals (queue claims, workers, the sandbox) out of the entry but reachable from /internal', () => {
    for (const name of ['claimCtes', 'claimStatement', 'executeClaim', 'useClaimPlan', 'decideRetry', 'tokensEqual']) expect(name in entry, name).toBe(false);
    for (const name of ['enqueueMany', 'createWorkerPool', 'syncEntity', 'listDeadLetters']) {
      expect(name in entry, name).toBe(false);
      expect(name in internal, name).toBe(true);
    }
    for (const name of ['startZohoSandbox', 'sandboxEnvironment', 'createSandboxStore']) {
      expect(name in entry, name).toBe(false);
      expect(name in internal, name).toBe(false);
    }
  });
});
