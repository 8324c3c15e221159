import type { AlertNotice, AlertSink } from '../alerts/types';

/** Calls a function with each alert (for an application's own notifier). */
export function createCallbackAlertSink(callback: (alert: AlertNotice) => Promise<void> | void, name = 'callback'): AlertSink {
  return { name, send: (alert) => callback(alert) };
}
