export * from './alert-text';
export * from './callback-sink';
export * from './logger-sink';
export * from './webhook-sink';
