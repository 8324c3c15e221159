export * from './dashboard-options';
export * from './dist-dir';
export * from './event-stream';
export * from './events-routes';
export * from './live-snapshot';
export * from './read-routes';
export * from './snapshot-hub';
export * from './static-routes';
