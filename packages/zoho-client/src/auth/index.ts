export { createMemoryTokenStore, type StoredToken, type TokenStore } from './token-store';
export type { ZohoCredentials } from './token-endpoint';
export type { ZohoAuthStatus } from './token-manager';
