import { authForRequest } from '@/lib/server/services';

/**
 * better-auth's own endpoints under /api/auth: sign-in by user name or e-mail, sign-out, the OpenID Connect
 * callback (lib/auth/http-surface.ts lists them; everything else answers 404). These are the sign-in itself, so
 * they take no session; better-auth checks what each needs (the password, the OAuth state and PKCE verifier).
 */
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

async function handle(request: Request): Promise<Response> {
  const auth = await authForRequest(request.headers);
  return auth.handler(request);
}

export const GET = handle;
export const POST = handle;
