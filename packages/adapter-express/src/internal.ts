// Unstable: everything the adapter's files export, for its own tests (not in the package's exports map).
// The public surface is listed by name in index.ts.
export * from './admin-auth';
export * from './admin-body';
export * from './admin-input';
export * from './admin-routes';
export * from './client-error';
export * from './create-tds-app';
export * from './create-tds-router';
export * from './dashboard';
export * from './error-handler';
export * from './health-routes';
export * from './options';
export * from './problem';
export * from './request-log';
export * from './serve';
export * from './webhook-query';
export * from './webhook-routes';
export * from './admin-lockout';
