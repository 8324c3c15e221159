/** Bad read options (unknown entity, limit out of range, a cursor that is not a whole number). */
export class ChangeFeedInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangeFeedInputError';
  }
}

/**
 * A cursor older than the retention horizon: changes after it were purged, so reading on would
 * silently skip them. The reader has to resync from the tables and start again from the horizon.
 */
export class ChangeCursorExpiredError extends Error {
  readonly cursor: string;
  readonly purgedThrough: string;
  readonly consumer: string | null;
  constructor(cursor: string, purgedThrough: string, consumer: string | null = null) {
    const who = consumer === null ? `cursor ${cursor}` : `change feed consumer "${consumer}" (cursor ${cursor})`;
    super(
      `${who} is behind the retention horizon: changes up to ${purgedThrough} were purged (TDS_CHANGES_RETENTION_DAYS). ` +
        `Resync from the tables, then continue after ${purgedThrough}` +
        (consumer === null ? '' : ` (core.changes.resetConsumer("${consumer}"))`) +
        '.',
    );
    this.name = 'ChangeCursorExpiredError';
    this.cursor = cursor;
    this.purgedThrough = purgedThrough;
    this.consumer = consumer;
  }
}
