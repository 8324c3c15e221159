/**
 * An exact decimal number as text ("1250000000.000"), as `@tsh/zoho-client` parses it and as
 * PostgreSQL `numeric` takes it. Never converted to a JS number.
 */
export type DecimalString = string;

/** An ISO 8601 timestamp with a colon in the offset ("2025-06-03T14:22:47+03:00"). */
export type IsoTimestamp = string;

/** A calendar date `yyyy-mm-dd`. */
export type IsoDate = string;
