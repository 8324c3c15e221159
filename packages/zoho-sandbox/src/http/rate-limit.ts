import { localDayNumber, msUntilNextLocalMidnight } from '../time';

export interface SandboxRateLimitOptions {
  requestsPerMinute: number;
  windowMs: number;
  dailyLimit: number;
  maxConcurrent: number;
  now: () => number;
  /** Length of a quota "day" in seconds, counted from `startedAt` (tests); absent: local midnight. */
  quotaWindowSeconds?: number;
  startedAt?: number;
}

export type SandboxAdmission = { ok: true } | { ok: false; reason: 'concurrency' | 'minute' | 'daily' };

/** Timestamps inside a sliding window, without unbounded growth. */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Drops timestamps that left the window and returns how many remain. */
  countAt(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): number {
    this.countAt(now);
    this.times.push(now);
    return this.times.length - this.head;
  }
}

/**
 * Zoho's limits for one organization: requests per minute (sliding window),
 * a daily quota reset at local midnight, and requests in flight.
 */
export class SandboxRateLimiter {
  private readonly window: SlidingWindow;
  private day = -1;
  private usedToday = 0;
  inFlight = 0;

  constructor(private readonly options: SandboxRateLimitOptions) {
    this.window = new SlidingWindow(options.windowMs);
  }

  enter(): void {
    this.inFlight++;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Which quota period `now` falls in: a local day, or a numbered test window. */
  private quotaPeriod(now: number): number {
    const seconds = this.options.quotaWindowSeconds;
    if (seconds === undefined) return localDayNumber(now);
    return Math.floor((now - (this.options.startedAt ?? 0)) / (seconds * 1000));
  }

  private msUntilQuotaReset(now: number): number {
    const seconds = this.options.quotaWindowSeconds;
    if (seconds === undefined) return msUntilNextLocalMidnight(now);
    return (this.quotaPeriod(now) + 1) * seconds * 1000 + (this.options.startedAt ?? 0) - now;
  }

  admit(): SandboxAdmission {
    const now = this.options.now();
    const day = this.quotaPeriod(now);
    if (day !== this.day) {
      this.day = day;
      this.usedToday = 0;
    }
    if (this.inFlight > this.options.maxConcurrent) return { ok: false, reason: 'concurrency' };
    if (this.window.countAt(now) >= this.options.requestsPerMinute) return { ok: false, reason: 'minute' };
    if (this.usedToday >= this.options.dailyLimit) return { ok: false, reason: 'daily' };
    this.window.add(now);
    this.usedToday++;
    return { ok: true };
  }

  headers(): Record<string, string> {
    const now = this.options.now();
    const used = this.quotaPeriod(now) === this.day ? this.usedToday : 0;
    return {
      'X-Rate-Limit-Limit': String(this.options.dailyLimit),
      'X-Rate-Limit-Remaining': String(Math.max(0, this.options.dailyLimit - used)),
      'X-Rate-Limit-Reset': String(Math.ceil(this.msUntilQuotaReset(now) / 1000)),
    };
  }
}
