import { ZohoWriteBlockedError } from '../errors';

/** Zoho is the source of truth: anything but a GET is refused unless writes were allowed explicitly. */
export function assertReadOnly(method: string, endpoint: string, allowWrites: boolean): void {
  if (method !== 'GET' && !allowWrites) throw new ZohoWriteBlockedError(method, endpoint);
}
