import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { filterProblem, payloadProblem, publishTopicProblem } from './validation';

describe('MQTT page input checks', () => {
  it('filters follow AWS IoT rules, are not subscribed twice and stay within 50 per connection', () => {
    assert.equal(filterProblem('a/#/b', []), '# must be a whole level and the last one.');
    assert.equal(filterProblem('a/b+', []), '+ must be a whole level.');
    assert.equal(filterProblem('a/1/2/3/4/5/6/7/8', []), 'The topic filter has more than 8 levels.');
    assert.equal(filterProblem('$aws/things/t/shadow/#', []), undefined);
    assert.equal(filterProblem('a/+', [{ filter: 'a/+' }]), 'You are already subscribed to this filter.');
    const fifty = Array.from({ length: 50 }, (_, i) => ({ filter: `f/${i}` }));
    assert.match(filterProblem('a/b', fifty) ?? '', /50 subscriptions per connection/);
  });

  it('publish topics take no wildcards and only the $aws topics devices may publish to', () => {
    assert.equal(publishTopicProblem('a/+/b'), 'A topic name cannot contain the wildcards + or #.');
    assert.match(publishTopicProblem('$aws/events/presence/connected/x') ?? '', /reserved/);
    assert.equal(publishTopicProblem('$aws/things/t/shadow/update'), undefined);
    assert.equal(publishTopicProblem('devices/1/cmd'), undefined);
  });

  it('a JSON payload must parse and say where it does not; raw text is sent as it is; 128 KB at most', () => {
    assert.equal(payloadProblem('{"a": 1}', 'json'), undefined);
    assert.match(payloadProblem('{"a": 1,', 'json') ?? '', /^The payload is not valid JSON: .*\(line 1, column \d+\)/);
    assert.equal(payloadProblem('{"a": 1,', 'text'), undefined);
    assert.match(payloadProblem('x'.repeat(128 * 1024 + 1), 'text') ?? '', /at most 131072/);
  });
});
