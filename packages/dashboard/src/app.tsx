import { useCallback, useMemo, useState } from 'react';
import { DashboardShell } from '@/components/dashboard-shell';
import { SignIn } from '@/components/sign-in';
import { createApiClient } from '@/lib/api-client';
import { tokenStore } from '@/lib/token-store';

/** Signed out: the sign-in form. Signed in: the dashboard, every call with the admin token in a header. */
export function App({ baseUrl, fetch: fetchFn }: { baseUrl?: string; fetch?: typeof fetch }) {
  const [token, setToken] = useState<string | null>(() => tokenStore.read());
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((reason: string | null) => {
    tokenStore.clear();
    setToken(null);
    setNotice(reason);
  }, []);

  const client = useMemo(
    () => (token ? createApiClient({ token, baseUrl, fetch: fetchFn, onUnauthorized: () => signOut('The server no longer accepts that token: sign in again.') }) : null),
    [token, baseUrl, fetchFn, signOut],
  );

  if (!client) {
    return (
      <SignIn
        notice={notice}
        verify={async (candidate) => {
          await createApiClient({ token: candidate, baseUrl, fetch: fetchFn }).queue();
        }}
        onSignedIn={(accepted) => {
          tokenStore.write(accepted);
          setNotice(null);
          setToken(accepted);
        }}
      />
    );
  }
  return <DashboardShell client={client} onSignOut={() => signOut(null)} />;
}
