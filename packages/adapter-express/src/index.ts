// The public surface of @tsh/tds-express, by name: the router and app factories (the router's
// close() ends its event streams before the host's server.close()), their options, and serveTds.
// Everything else is internal (src/internal.ts, used by this package's tests only).
export { createTdsRouter, type TdsRouter } from './create-tds-router';
export { createTdsApp } from './create-tds-app';
export { serveTds, type TdsServer } from './serve';
export { TdsExpressConfigError, type TdsExpressOptions } from './options';
export type { TdsDashboardOptions } from './dashboard/dashboard-options';
