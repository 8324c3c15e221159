import type { Migration } from 'kysely';
import * as queue from './0001-queue';
import * as entities from './0002-entities';
import * as operations from './0003-operations';
import * as rateLimit from './0004-rate-limit';
import * as rateLimitRelease from './0005-rate-limit-release';
import * as priceListRounding from './0006-price-list-rounding';
import * as organizationBinding from './0007-organization-binding';
import * as verifyRuns from './0008-verify-runs';
import * as syncRunLeases from './0009-sync-run-leases';
import * as changeFeed from './0010-change-feed';
import * as seedColumns from './0011-seed-columns';
import * as tokenKeyAndDailyQuotas from './0012-token-key-and-daily-quotas';
import * as queueWritePath from './0013-queue-write-path';
import * as queueStep from './0014-queue-step';
import * as queueDeferrals from './0015-queue-deferrals';
import * as productSyncStatusSets from './0016-product-sync-status-sets';
import * as queueStepCachedPlan from './0017-queue-step-cached-plan';
import * as changeFeedFillfactor from './0018-change-feed-fillfactor';
import * as priceRoleListsLocked from './0019-price-role-lists-locked';
import * as productInsertKeysShared from './0020-product-insert-keys-shared';
import * as queueSyncStatusNoted from './0021-queue-sync-status-noted';
import * as syncStatusRefreshByTid from './0022-sync-status-refresh-by-tid';

/**
 * Every migration as code (they ship inside the built bundle). Kysely applies them sorted by key and
 * refuses a new key that sorts before one a database already ran, so a new migration always takes
 * the next number, and a shipped one is never renamed or edited. 0001-0005 are the released ones.
 */
export const migrations: Record<string, Migration> = {
  '0001-queue': queue,
  '0002-entities': entities,
  '0003-operations': operations,
  '0004-rate-limit': rateLimit,
  '0005-rate-limit-release': rateLimitRelease,
  '0006-price-list-rounding': priceListRounding,
  '0007-organization-binding': organizationBinding,
  '0008-verify-runs': verifyRuns,
  '0009-sync-run-leases': syncRunLeases,
  '0010-change-feed': changeFeed,
  '0011-seed-columns': seedColumns,
  '0012-token-key-and-daily-quotas': tokenKeyAndDailyQuotas,
  '0013-queue-write-path': queueWritePath,
  '0014-queue-step': queueStep,
  '0015-queue-deferrals': queueDeferrals,
  '0016-product-sync-status-sets': productSyncStatusSets,
  '0017-queue-step-cached-plan': queueStepCachedPlan,
  '0018-change-feed-fillfactor': changeFeedFillfactor,
  '0019-price-role-lists-locked': priceRoleListsLocked,
  '0020-product-insert-keys-shared': productInsertKeysShared,
  '0021-queue-sync-status-noted': queueSyncStatusNoted,
  '0022-sync-status-refresh-by-tid': syncStatusRefreshByTid,
};
