export * from './env-schema';
export * from './load-config';
export * from './hardening-env';
export * from './verify-schedule-env';
