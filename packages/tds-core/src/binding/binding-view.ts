import type { OrganizationBinding } from './types';

/** The binding as health and report show it (snake_case like the rest of the health document). */
export function bindingView(binding: OrganizationBinding | null, configuredOrganizationId: string | undefined) {
  if (!binding) return { bound: false as const, matches_configuration: true };
  return {
    bound: true as const,
    organization_id: binding.organizationId,
    data_center: binding.dataCenter,
    api_host: binding.apiHost,
    bound_at: binding.boundAt,
    bound_by: binding.boundBy,
    matches_configuration: configuredOrganizationId === undefined || configuredOrganizationId === binding.organizationId,
  };
}

/** One line for the text report. */
export function bindingLine(binding: OrganizationBinding | null, configuredOrganizationId: string | undefined): string {
  if (!binding) return 'Database binding: none yet (the first sync, worker or webhook binds it to ZOHO_ORGANIZATION_ID)';
  const where = [binding.dataCenter && `data centre ${binding.dataCenter}`, binding.apiHost].filter(Boolean).join(', ');
  const line = `Database binding: Zoho organization ${binding.organizationId}${where ? ` (${where})` : ''} since ${binding.boundAt.toISOString()}`;
  return configuredOrganizationId && configuredOrganizationId !== binding.organizationId
    ? `${line} - NOT the configured organization ${configuredOrganizationId}: writing commands refuse to run`
    : line;
}
