import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseThingsQuery, thingsHref } from './query';

describe('things list query', () => {
  test('parses prefix, type, group and name=value', () => {
    const { query, errors } = parseThingsQuery({
      q: 'sensor-',
      type: 'gw',
      group: 'lab',
      attr: 'site=hall',
      page: '3',
    });
    assert.deepEqual(errors, {});
    assert.equal(query.prefix, 'sensor-');
    assert.equal(query.typeName, 'gw');
    assert.equal(query.groupName, 'lab');
    assert.equal(query.attributeName, 'site');
    assert.equal(query.attributeValue, 'hall');
    assert.equal(query.page, 3);
  });

  test('refuses what no thing could match, beside the field', () => {
    const { errors } = parseThingsQuery({ q: 'has space', attr: 'site' });
    assert.equal(
      errors.q,
      'No thing starts with that. A thing name can use letters, digits, and : _ - only (no spaces).',
    );
    assert.match(errors.attr!, /name=value/);
  });

  test('a nonsense page number falls back to the first page', () => {
    assert.equal(parseThingsQuery({ page: '-4' }).query.page, 1);
    assert.equal(parseThingsQuery({ page: 'x' }).query.page, 1);
  });

  test('links keep the filters and leave out empty ones', () => {
    assert.equal(thingsHref({ prefix: 'a', attribute: 'site=x' }, { page: '2' }), '/things?q=a&attr=site%3Dx&page=2');
    assert.equal(thingsHref({}), '/things');
  });
});
