/**
 * What goes wrong when a user refuses to change a seed column from `from` to `to`
 * (`tds migrate --no-alter-columns`): printed instead of the change.
 */
export function refusalConsequence(column: string, from: string, to: string): string {
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(from);
  if (numeric) {
    const whole = Number(numeric[1]) - Number(numeric[2]);
    return `${column} holds less than 1${'0'.repeat(whole)} (${numeric[2]} decimals): a Zoho value at or above it (IQD prices and totals pass 100,000,000) fails that record's apply with "numeric field overflow" and the record goes to the dead-letter queue; more decimals are rounded`;
  }
  const varchar = /^character varying\((\d+)\)$/.exec(from);
  if (varchar) return `${column} holds at most ${varchar[1]} characters: a longer Zoho value fails that record's apply with "value too long" and the record goes to the dead-letter queue`;
  if (from === 'integer' && to === 'bigint') return `${column} stops at 2,147,483,647 (a queue takes a new id for every event, so it gets there) and is read as a JavaScript number instead of an exact string`;
  if (from === 'timestamp without time zone') return `${column} keeps times without their offset: they are read in each session's TimeZone, so a client or server in another time zone shifts them`;
  return `${column} stays ${from}: TDS writes ${to}, and a value that does not convert fails that record's apply`;
}
