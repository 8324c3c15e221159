export * from './create-database';
export * from './embedded-postgres';
export * from './logger-like';
export * from './migrate';
export * from './pg-types';
export * from './schema';
export { migrations } from './migrations';
export * from './database-unavailable';
export * from './stall-watchdog';
