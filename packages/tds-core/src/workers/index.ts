export * from './create-worker-pool';
export * from './queue-listener';
export * from './record-heartbeats';
export * from './run-handlers';
export * from './types';
