import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src';
import { databaseAddressOf, DatabaseUnreachableError, explainDatabaseFailure } from '../src/core/database-unreachable';
import { isDatabaseUnavailable } from '../src/db/database-unavailable';

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('Zoho URL overrides', () => {
  it('accepts http and https URLs', () => {
    const config = loadConfig({ ZOHO_API_URL: 'http://127.0.0.1:8080', ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu' });
    expect(config).toMatchObject({ ZOHO_API_URL: 'http://127.0.0.1:8080', ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu' });
  });

  it('refuses any other scheme, and text that is no URL, naming the variable and never the value', () => {
    const error = problemsOf({ ZOHO_API_URL: 'ftp://x', ZOHO_ACCOUNTS_URL: 'file://user:url-Secret-55@host/token', TDS_ALERT_WEBHOOK_URL: 'accounts.zoho.eu' });
    expect(error.problems).toEqual([
      { variable: 'ZOHO_ACCOUNTS_URL', message: 'must be an http:// or https:// URL' },
      { variable: 'ZOHO_API_URL', message: 'must be an http:// or https:// URL' },
      { variable: 'TDS_ALERT_WEBHOOK_URL', message: 'must be an http:// or https:// URL' },
    ]);
    expect(error.message).not.toContain('url-Secret-55');
    expect(error.message).not.toContain('ftp://');
  });

  it('the change feed\'s outgoing webhook URL too', () => {
    expect(problemsOf({ TDS_CHANGES_WEBHOOK_URL: 'ftp://erp.example/changes' }).problems).toEqual([{ variable: 'TDS_CHANGES_WEBHOOK_URL', message: 'must be an http:// or https:// URL' }]);
    expect(loadConfig({ TDS_CHANGES_WEBHOOK_URL: 'https://erp.example/changes' })).toMatchObject({ TDS_CHANGES_WEBHOOK_URL: 'https://erp.example/changes' });
  });
});

describe('an unreachable DATABASE_URL', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6543'), { code: 'ECONNREFUSED' });

  it('is named by host:port only', () => {
    expect(databaseAddressOf('postgres://tds:pw-Secret-1@10.0.0.5:6543/tds?password=pw-Secret-2')).toBe('10.0.0.5:6543');
    expect(databaseAddressOf('postgresql://db.internal/tds')).toBe('db.internal:5432');
    expect(databaseAddressOf('postgres:///tds?host=/var/run/postgresql')).toBe('socket /var/run/postgresql:5432');
  });

  it('wraps a connection failure, keeps its code and cause, and is still recognized as unavailable', () => {
    const wrapped = explainDatabaseFailure(refused, 'postgres://tds:pw-Secret-1@10.0.0.5:6543/tds') as DatabaseUnreachableError;
    expect(wrapped).toBeInstanceOf(DatabaseUnreachableError);
    expect(wrapped.message).toContain('could not reach the database at DATABASE_URL (10.0.0.5:6543): connect ECONNREFUSED');
    expect(wrapped.message).not.toContain('pw-Secret-1');
    expect(wrapped.code).toBe('ECONNREFUSED');
    expect(wrapped.cause).toBe(refused);
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('leaves other errors (a wrong password, a bad migration) as they are', () => {
    const auth = Object.assign(new Error('password authentication failed for user "tds"'), { code: '28P01' });
    expect(explainDatabaseFailure(auth, 'postgres://tds@h/tds')).toBe(auth);
    expect(explainDatabaseFailure(refused, undefined)).toBe(refused);
  });
});
