import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { defaultJitpTemplate } from '@/lib/provisioning/default-template';

import { namesFromPrefix, parseNameLines } from './device-names';
import { checkJitpTemplate } from './jitp-template';

describe('device name list', () => {
  test('pasted names: blanks skipped, bad names and duplicates named with their line', () => {
    const r = parseNameLines('sensor-1\n\n sensor-2 \nbad name\nsensor-1\n' + 'x'.repeat(65));
    assert.deepEqual(r.names, ['sensor-1', 'sensor-2']);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message.slice(0, 12)]),
      [
        [4, 'A thing name'],
        [5, 'Duplicate of'],
        [6, 'A certificat'],
      ],
    );
    assert.equal(parseNameLines('\n\n').problems[0]?.message, 'Enter at least one device name.');
  });

  test('names whose folders in the zip would collide are refused with the line they collide with', () => {
    const r = parseNameLines('Sensor-1\nsensor-1\na:b\na_b\nsensor-2');
    assert.deepEqual(r.names, ['Sensor-1', 'a:b', 'sensor-2']);
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.message.slice(0, 40)]),
      [
        [2, 'Would share its folder in the zip with l'],
        [4, 'Would share its folder in the zip with l'],
      ],
    );
    assert.match(r.problems[0]!.message, /line 1/);
    assert.match(r.problems[1]!.message, /line 3/);
  });

  test('prefix and count pad the numbers', () => {
    const r = namesFromPrefix('dev-', 12);
    assert.equal(r.names[0], 'dev-01');
    assert.equal(r.names[11], 'dev-12');
    assert.equal(namesFromPrefix('dev ', 2).problems.length, 2);
    assert.equal(namesFromPrefix('d', 0).problems.length, 1);
    assert.equal(namesFromPrefix('d', 20_000).problems.length, 1);
  });
});

describe('JITP template check', () => {
  test('the default template passes', () => {
    const r = checkJitpTemplate(defaultJitpTemplate());
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, []);
  });

  test('JSON, resource types, undeclared refs and unknown parameters are refused', () => {
    assert.match(checkJitpTemplate('{').problems[0]!, /^Line 1, column 2: /);
    assert.doesNotMatch(checkJitpTemplate('{').problems[0]!, /position/);
    assert.match(checkJitpTemplate('[]').problems[0]!, /JSON object/);
    const t = {
      Parameters: { 'AWS::IoT::Certificate::Colour': { Type: 'String' } },
      Resources: {
        thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' } } },
        bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
        policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' } },
      },
    };
    const r = checkJitpTemplate(JSON.stringify(t));
    assert.ok(r.problems.some((p) => /Colour is not a parameter JITP provides/.test(p)));
    assert.ok(r.problems.some((p) => /AWS::S3::Bucket/.test(p)));
    assert.ok(r.problems.some((p) => /CommonName is used but not declared/.test(p)));
    assert.ok(r.problems.some((p) => /PolicyDocument is not a valid policy/.test(p)));
    assert.ok(checkJitpTemplate('x'.repeat(10_241)).problems[0]!.includes('at most 10,240'));
  });
});
