/** Whose copy of Zoho a database is (docs/organization-binding.md). */
export interface OrganizationBinding {
  organizationId: string;
  /** The configured data centre (com, eu, …) when it was bound; informational. */
  dataCenter: string | null;
  /** The Zoho API host it was bound with (www.zohoapis.com, or an override such as a sandbox); informational. */
  apiHost: string | null;
  boundAt: Date;
  /** What bound it: 'tds sync', 'tds serve', 'webhook intake', 'tds rebind', 'migration (…)'. */
  boundBy: string;
}

/** The organization a process is configured for, and what it is about to do. */
export interface BindingClaim {
  organizationId: string;
  dataCenter?: string | null;
  apiHost?: string | null;
  /** Who is claiming: recorded as bound_by when this claim binds the database. */
  claimedBy: string;
}
