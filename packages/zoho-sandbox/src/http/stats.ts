import { formatZohoTime } from '../time';
import { SlidingWindow } from './rate-limit';

export interface SandboxStatsSnapshot {
  /** API and OAuth requests by route (ids replaced by `{id}`) then HTTP status. */
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  /** API requests only (the ones Zoho counts against the limits). */
  apiRequests: number;
  byStatus: Record<string, number>;
  /** Every 429 sent (limits and injected). */
  tooManyRequests: number;
  tokensMinted: number;
  tokenRequests: number;
  tokenErrors: Record<string, number>;
  /** Most API requests received in any window of `windowMs` (rejected ones included). */
  maxRequestsInWindow: number;
  windowMs: number;
  maxConcurrentObserved: number;
  /** API requests in flight right now. */
  inFlight: number;
  /** API requests per clock minute, keyed by the minute's Zoho timestamp. */
  perMinute: Record<string, number>;
  faultsInjected: Record<string, number>;
  webhooks: { sent: number; failed: number; byStatus: Record<string, number> };
}

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

/** One API request as it arrived (the request log tests read to see when requests stopped). */
export interface SandboxRequestLogEntry {
  /** Epoch ms on the sandbox's clock. */
  at: number;
  method: string;
  path: string;
}

const REQUEST_LOG_SIZE = 20_000;

export class SandboxStats {
  private data!: SandboxStatsSnapshot;
  private window!: SlidingWindow;
  private log: SandboxRequestLogEntry[] = [];

  constructor(private readonly windowMs: number) {
    this.reset();
  }

  reset(): void {
    this.data = {
      requests: {},
      totalRequests: 0,
      apiRequests: 0,
      byStatus: {},
      tooManyRequests: 0,
      tokensMinted: 0,
      tokenRequests: 0,
      tokenErrors: {},
      maxRequestsInWindow: 0,
      windowMs: this.windowMs,
      maxConcurrentObserved: 0,
      inFlight: 0,
      perMinute: {},
      faultsInjected: {},
      webhooks: { sent: 0, failed: 0, byStatus: {} },
    };
    this.window = new SlidingWindow(this.windowMs);
    this.log = [];
  }

  /** Keeps the last REQUEST_LOG_SIZE API requests. */
  logRequest(entry: SandboxRequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_SIZE * 2) this.log = this.log.slice(-REQUEST_LOG_SIZE);
  }

  requestLog(): SandboxRequestLogEntry[] {
    return this.log.slice(-REQUEST_LOG_SIZE);
  }

  apiRequestArrived(now: number, inFlight: number): void {
    this.data.apiRequests++;
    this.data.maxRequestsInWindow = Math.max(this.data.maxRequestsInWindow, this.window.add(now));
    this.data.maxConcurrentObserved = Math.max(this.data.maxConcurrentObserved, inFlight);
    bump(this.data.perMinute, formatZohoTime(Math.floor(now / 60_000) * 60_000));
  }

  responded(route: string, status: number): void {
    this.data.totalRequests++;
    this.data.requests[route] ??= {};
    bump(this.data.requests[route]!, String(status));
    bump(this.data.byStatus, String(status));
    if (status === 429) this.data.tooManyRequests++;
  }

  tokenRequest(outcome: string): void {
    this.data.tokenRequests++;
    if (outcome === 'minted') this.data.tokensMinted++;
    else bump(this.data.tokenErrors, outcome);
  }

  fault(kind: string): void {
    bump(this.data.faultsInjected, kind);
  }

  webhook(status: number | undefined): void {
    if (status !== undefined && status >= 200 && status < 300) this.data.webhooks.sent++;
    else this.data.webhooks.failed++;
    bump(this.data.webhooks.byStatus, status === undefined ? 'network-error' : String(status));
  }

  snapshot(inFlight: number): SandboxStatsSnapshot {
    return { ...structuredClone(this.data), inFlight };
  }
}
