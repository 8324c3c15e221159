/** The next time of day `HH:MM` (UTC) strictly after `from`. */
export function nextDailyRun(timeOfDay: string, from: Date): Date {
  const match = /^(\d{2}):(\d{2})$/.exec(timeOfDay);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new RangeError(`time of day must be HH:MM (UTC), got ${JSON.stringify(timeOfDay)}`);
  const next = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), Number(match[1]), Number(match[2])));
  if (next.getTime() <= from.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
