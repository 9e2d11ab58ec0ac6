import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { AppError, isAppError, toAppError } from './errors';

/** What the SDK throws for a modelled AWS error: name from x-amzn-ErrorType, message from the body. */
function awsError(name: string, message: string, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: 400 } });
}

describe('toAppError', () => {
  test('maps AWS exception names to app codes', () => {
    const cases: Array<[string, string]> = [
      ['ResourceNotFoundException', 'not_found'],
      ['ResourceAlreadyExistsException', 'already_exists'],
      ['InvalidRequestException', 'invalid_request'],
      ['ThrottlingException', 'throttled'],
      ['UnauthorizedException', 'unauthorized'],
      ['VersionConflictException', 'conflict'],
      ['DeleteConflictException', 'conflict'],
      ['CertificateStateException', 'certificate_state'],
      ['VersionsLimitExceededException', 'limit_exceeded'],
      ['ServiceUnavailableException', 'unavailable'],
      ['InternalFailureException', 'internal'],
    ];
    for (const [name, code] of cases) {
      const mapped = toAppError(awsError(name, 'x'));
      assert.equal(mapped.code, code, name);
      assert.equal(mapped.source, name);
    }
  });

  test('a permission AWS denies is named as such, with the action AWS names, not blamed on the credentials', () => {
    const mapped = toAppError(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/dashboard is not authorized to perform: iot:ListTargetsForPolicy',
      ),
    );
    assert.equal(mapped.code, 'unauthorized');
    assert.match(mapped.message, /not allowed/);
    assert.match(mapped.message, /iot:ListTargetsForPolicy/);
    assert.doesNotMatch(mapped.message, /credentials/);
  });

  test('names the resource in a not-found message', () => {
    const mapped = toAppError(awsError('ResourceNotFoundException', 'Thing sensor-1 not found'), {
      resource: 'thing "sensor-1"',
    });
    assert.equal(mapped.message, 'The thing "sensor-1" does not exist (it may have been deleted).');
  });

  test('keeps the AWS message for invalid requests, where it says what to fix', () => {
    const mapped = toAppError(awsError('InvalidRequestException', 'The pagination token is not valid.'));
    assert.match(mapped.message, /The pagination token is not valid\./);
  });

  test('a refused connection (emulator not running) names the endpoint and how to start it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4580'), { code: 'ECONNREFUSED' });
    const mapped = toAppError(refused, { endpoint: 'http://127.0.0.1:4580' });
    assert.equal(mapped.code, 'unavailable');
    assert.equal(mapped.retryable, true);
    assert.match(mapped.message, /Cannot reach AWS IoT at http:\/\/127\.0\.0\.1:4580/);
    assert.match(mapped.message, /npm run emulator/);
  });

  test('in AWS mode a refused connection names the endpoint and never says to start the emulator', () => {
    const saved = process.env.IOT_MODE;
    process.env.IOT_MODE = 'aws';
    try {
      const refused = Object.assign(new Error('getaddrinfo ENOTFOUND iot.eu-west-1.amazonaws.com'), {
        code: 'ENOTFOUND',
      });
      const mapped = toAppError(refused, { endpoint: 'https://iot.eu-west-1.amazonaws.com' });
      assert.equal(mapped.code, 'unavailable');
      assert.match(mapped.message, /Cannot reach AWS IoT at https:\/\/iot\.eu-west-1\.amazonaws\.com \(ENOTFOUND\)/);
      assert.doesNotMatch(mapped.message, /emulator|npm /i);
      // What an operator of a deployed dashboard can check instead: the network, the region, the endpoint.
      assert.match(mapped.message, /network/i);
      assert.match(mapped.message, /AWS_REGION/);
    } finally {
      if (saved === undefined) delete process.env.IOT_MODE;
      else process.env.IOT_MODE = saved;
    }
  });

  test('finds the network code inside an AggregateError (IPv4 and IPv6 both refused)', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:4580'), { code: 'ECONNREFUSED' });
    const mapped = toAppError(new AggregateError([inner], 'all attempts failed'));
    assert.equal(mapped.code, 'unavailable');
    assert.equal(mapped.source, 'ECONNREFUSED');
  });

  test('an unknown server fault is unavailable, an unknown client error is internal', () => {
    assert.equal(toAppError(awsError('SomethingNewException', 'x', 'server')).code, 'unavailable');
    assert.equal(toAppError(awsError('SomethingNewException', 'x', 'client')).code, 'internal');
    assert.equal(toAppError('a string').code, 'internal');
  });

  test('an AppError passes through unchanged', () => {
    const original = new AppError('conflict', 'already changed');
    assert.equal(toAppError(original), original);
    assert.ok(isAppError(original, 'conflict'));
    assert.ok(!isAppError(original, 'not_found'));
  });
});
