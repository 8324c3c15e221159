import { LockKeyhole } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ApiError } from '@/lib/api-error';

/**
 * Asks for the admin token (TDS_ADMIN_TOKEN) and checks it against the API before keeping it.
 * The form posts nowhere: the token only ever leaves in an Authorization header.
 */
export function SignIn({ verify, onSignedIn, notice }: { verify: (token: string) => Promise<void>; onSignedIn: (token: string) => void; notice?: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = token.trim();
    if (!value) return;
    setChecking(true);
    setError(null);
    try {
      await verify(value);
      onSignedIn(value);
    } catch (e) {
      setError(e instanceof ApiError && e.unauthorized ? 'That token was refused.' : `Could not check the token: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setChecking(false);
    }
  }

  return (
    <div className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <CardTitle className="flex items-center gap-2 text-base">
            <LockKeyhole className="size-4" /> TDS Dashboard
          </CardTitle>
          <CardDescription>Sign in with the admin token (TDS_ADMIN_TOKEN). It is kept in this tab only.</CardDescription>
        </CardHeader>
        <CardContent>
          <form method="post" action="#" onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" autoComplete="off">
            {notice && <Alert data-testid="sign-in-notice">{notice}</Alert>}
            <Label htmlFor="admin-token">Admin token</Label>
            <Input id="admin-token" name="admin-token" type="password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus required />
            {error && (
              <Alert variant="destructive" data-testid="sign-in-error">
                {error}
              </Alert>
            )}
            <Button type="submit" disabled={checking || token.trim() === ''}>
              {checking ? 'Checking…' : 'Sign in'}
            </Button>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
