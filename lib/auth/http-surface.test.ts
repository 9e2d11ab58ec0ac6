import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { httpSurface } from './http-surface';

describe("better-auth's HTTP endpoints the dashboard serves", () => {
  const surface = httpSurface('/api/auth');
  const ask = async (path: string, method = 'POST') => {
    const answer = await surface.onRequest!(
      new Request(`http://localhost:3000/api/auth${path}`, { method }),
      {} as never,
    );
    return answer && 'response' in answer ? answer.response.status : 'served';
  };

  it('serves sign-in, sign-out and the OpenID Connect callback', async () => {
    assert.equal(await ask('/sign-in/username'), 'served');
    assert.equal(await ask('/sign-in/email'), 'served');
    assert.equal(await ask('/sign-out'), 'served');
    assert.equal(await ask('/callback/oidc', 'GET'), 'served');
  });

  it('answers 404 to everything else: sign-up, user and session management, the session token', async () => {
    for (const path of [
      '/sign-up/email',
      '/admin/create-user',
      '/admin/set-role',
      '/admin/ban-user',
      '/admin/list-user-sessions',
      '/admin/impersonate-user',
      '/get-session',
      '/list-sessions',
      '/change-email',
      '/update-user',
      '/request-password-reset',
      '/callback/other',
    ]) {
      assert.equal(await ask(path), 404, path);
    }
  });
});
