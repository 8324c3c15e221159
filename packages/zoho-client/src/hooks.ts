import type { ZohoApiName } from './data-centers';

export interface ZohoRequestEvent {
  method: string;
  api: ZohoApiName;
  endpoint: string;
  attempt: number;
  /** Time spent waiting in the rate limiter before this attempt was sent. */
  queuedMs: number;
}

export interface ZohoResponseEvent {
  method: string;
  api: ZohoApiName;
  endpoint: string;
  attempt: number;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  durationMs: number;
  error?: Error;
}

export interface ZohoRetryEvent {
  method: string;
  endpoint: string;
  /** The retry about to happen, from 1. */
  attempt: number;
  delayMs: number;
  error: Error;
}

export interface ZohoRateLimitWaitEvent {
  /** 429: every caller pauses; daily-quota: the daily budget is spent; token-throttle: Zoho's Access Denied on token minting. */
  reason: '429' | 'daily-quota' | 'token-throttle';
  waitMs: number;
}

export interface ZohoTokenRefreshEvent {
  ok: boolean;
  durationMs: number;
  expiresAt?: Date;
  error?: Error;
}

/** Observability hooks. A hook that throws is ignored: it never breaks a request. */
export interface ZohoHooks {
  onRequest?(event: ZohoRequestEvent): void;
  onResponse?(event: ZohoResponseEvent): void;
  onRetry?(event: ZohoRetryEvent): void;
  onRateLimitWait?(event: ZohoRateLimitWaitEvent): void;
  onTokenRefresh?(event: ZohoTokenRefreshEvent): void;
}

/** Minimal logger shape (console works); fields never contain tokens or secrets. */
export interface ZohoLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return;
  try {
    hook(event);
  } catch {
    // Observability must never break a request.
  }
}

export function log(logger: ZohoLogger | undefined, level: keyof ZohoLogger, message: string, fields?: Record<string, unknown>): void {
  try {
    logger?.[level]?.(message, fields);
  } catch {
    // A broken logger must never break a request.
  }
}
