import type { IdGenerator } from '../ids';
import type { SandboxLocation } from '../types';
import { LOCATION_NAMES } from './vocabulary';

export function generateLocations(count: number, ids: IdGenerator): SandboxLocation[] {
  const locations: SandboxLocation[] = [];
  for (let i = 0; i < Math.max(1, count); i++) {
    const base = LOCATION_NAMES[i % LOCATION_NAMES.length]!;
    const name = i < LOCATION_NAMES.length ? base : `${base} ${Math.floor(i / LOCATION_NAMES.length) + 1}`;
    locations.push({
      location_id: ids.next(),
      location_name: name,
      is_primary_location: i === 0,
      is_location_active: true,
      city: name.split(' ')[0]!,
    });
  }
  return locations;
}
