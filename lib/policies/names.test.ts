import assert from 'node:assert/strict';
import { test } from 'node:test';

import { policyNameInput, policyNameProblem } from './names';

test('policy names follow AWS IoT’s rule, explained in plain words', () => {
  assert.equal(policyNameProblem('device-policy_v2@site.1+a=b,c'), undefined);
  assert.equal(policyNameProblem(''), 'Enter a policy name.');
  assert.match(policyNameProblem('a'.repeat(129))!, /at most 128 characters \(this one has 129\)/);
  assert.equal(
    policyNameProblem('my policy/1'),
    'A policy name can use letters, digits, and _ + = , . @ - only (not "/" or spaces).',
  );
  assert.equal(policyNameInput.parse('  trimmed  '), 'trimmed');
  assert.ok(!policyNameInput.safeParse('   ').success);
});
