/** `createTdsApp(core, { dashboard: { … } })`: where the built dashboard is. */
export interface TdsDashboardOptions {
  /** Folder holding the built dashboard (index.html, assets/). Default: the dist of @tsh/tds-dashboard. */
  distDir?: string;
}

/** The live API's snapshot period (GET /api/tds/events): the dashboard's "≤ 2 s" freshness. */
export const DEFAULT_EVENTS_INTERVAL_MS = 2000;

/** The dashboard's path on the app. */
export const DASHBOARD_PATH = '/tds';
