import type { Migration } from 'kysely';
import * as queue from './0001-queue';
import * as entities from './0002-entities';
import * as operations from './0003-operations';
import * as priceListRounding from './0006-price-list-rounding';
import * as verifyRuns from './0008-verify-runs';
import * as syncRunLeases from './0007-sync-run-leases';
import * as rateLimit from '../../zoho-access/rate-limit-migration';
import * as rateLimitRelease from '../../zoho-access/rate-limit-release-migration';
import * as organizationBinding from './0004-organization-binding';
import * as seedColumns from './0011-seed-columns';
import * as tokenKeyAndDailyQuotas from './0012-token-key-and-daily-quotas';
import * as changeFeed from './0010-change-feed';
import * as queueWritePath from './0013-queue-write-path';

/** Every migration, in order, as code: they ship inside the built bundle. Never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001-queue': queue,
  '0002-entities': entities,
  '0003-operations': operations,
  '0004-rate-limit': rateLimit,
  '0005-rate-limit-release': rateLimitRelease,
  // Kysely applies by key, not file name, and refuses a new key sorting before one a database already
  // ran: this one must come after 0005-rate-limit-release and the keys 0005-0007 others take.
  '0008-organization-binding': organizationBinding,
  '0006-price-list-rounding': priceListRounding,
  '0008-verify-runs': verifyRuns,
  // Keyed after the 0008 keys a database may already have run (file 0007, as allotted).
  '0009-sync-run-leases': syncRunLeases,
  '0010-change-feed': changeFeed,
  '0011-seed-columns': seedColumns,
  '0012-token-key-and-daily-quotas': tokenKeyAndDailyQuotas,
  '0013-queue-write-path': queueWritePath,
};
