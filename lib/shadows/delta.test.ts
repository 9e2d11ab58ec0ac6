import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { computeDelta, deltaMetadata } from './delta';

describe('computeDelta', () => {
  it('holds desired fields missing from reported or different from it', () => {
    assert.deepEqual(computeDelta({ color: 'RED', state: 'STOP' }, { color: 'GREEN', engine: 'ON' }), {
      color: 'RED',
      state: 'STOP',
    });
  });

  it('leaves out fields only in reported and fields that are equal', () => {
    assert.equal(computeDelta({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] }, extra: true }), undefined);
  });

  it('keeps the path to the root for nested differences', () => {
    assert.deepEqual(
      computeDelta({ lights: { color: { r: 255, g: 255, b: 255 } } }, { lights: { color: { r: 255, g: 0, b: 255 } } }),
      { lights: { color: { g: 255 } } },
    );
  });

  it('compares arrays whole and carries the whole desired array', () => {
    assert.deepEqual(computeDelta({ list: [1, 2, 3] }, { list: [1, 2] }), { list: [1, 2, 3] });
    assert.deepEqual(computeDelta({ list: [{ a: 1 }] }, { list: [{ a: 2 }] }), { list: [{ a: 1 }] });
    assert.equal(computeDelta({ list: [{ a: 1, b: 2 }] }, { list: [{ b: 2, a: 1 }] }), undefined);
  });

  it('carries a whole desired object when reported has a scalar there', () => {
    assert.deepEqual(computeDelta({ x: { y: 1 } }, { x: 5 }), { x: { y: 1 } });
  });

  it('is everything desired when nothing is reported, and nothing without desired', () => {
    assert.deepEqual(computeDelta({ a: 1 }, undefined), { a: 1 });
    assert.equal(computeDelta(undefined, { a: 1 }), undefined);
  });
});

describe('computeDelta (dashboard cases)', () => {
  it('fields of desired that reported lacks or differs in', () => {
    assert.deepEqual(computeDelta({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { a: 1, b: { c: 2 }, e: [2], z: 9 }), {
      b: { d: 3 },
      e: [1],
    });
    assert.equal(computeDelta({ a: 1 }, { a: 1 }), undefined);
  });
});

describe('deltaMetadata', () => {
  it('follows the delta into objects and takes whole values whole', () => {
    const meta = deltaMetadata(
      { lights: { g: 255 }, list: [1, 2] },
      {
        lights: { r: { timestamp: 1 }, g: { timestamp: 2 } },
        list: [{ timestamp: 3 }, { timestamp: 3 }],
        other: { timestamp: 4 },
      },
    );
    assert.deepEqual(meta, { lights: { g: { timestamp: 2 } }, list: [{ timestamp: 3 }, { timestamp: 3 }] });
  });

  it('leaves out fields desired has no metadata for', () => {
    assert.deepEqual(deltaMetadata({ a: 1 }, undefined), {});
  });
});
