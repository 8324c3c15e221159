const KEY = 'tds.adminToken';

/**
 * The admin token lives in this tab's sessionStorage (gone when the tab closes) and is only ever
 * sent in the Authorization header: never in a URL, a cookie or localStorage.
 */
export const tokenStore = {
  read(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  write(token: string): void {
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // Storage refused (private mode): the token stays in memory for this page only.
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // nothing stored
    }
  },
};
