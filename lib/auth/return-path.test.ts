import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it('keeps a path on this site with its query and fragment', () => {
    assert.equal(safeReturnPath('/things/dev-1?tab=shadow#top'), '/things/dev-1?tab=shadow#top');
    assert.equal(safeReturnPath('/bulk'), '/bulk');
  });

  for (const hostile of [
    '//other-host/path',
    '/\\other-host/path',
    '\\\\other-host',
    '/\t/other-host',
    '/\n/other-host',
    'https://other-host/',
    'javascript:alert(1)',
    'other-host/path',
    '',
    `/${'a'.repeat(3000)}`,
  ]) {
    it(`sends ${JSON.stringify(hostile.slice(0, 30))} to the default page instead of leaving the site`, () => {
      assert.equal(safeReturnPath(hostile), '/things');
    });
  }

  it('falls back for anything that is not a string', () => {
    assert.equal(safeReturnPath(undefined), '/things');
    assert.equal(safeReturnPath(['/a']), '/things');
    assert.equal(safeReturnPath(42, '/certificates'), '/certificates');
  });

  it('resolves dot segments, and refuses those that collapse into another host', () => {
    assert.equal(safeReturnPath('/things/../certificates'), '/certificates');
    assert.equal(safeReturnPath('/a/../..//other-host/x'), '/things');
  });
});
