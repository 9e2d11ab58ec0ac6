/**
 * The hostile-input suite's HTTP half: requests a careless or malicious caller might send the local IoT Core's API,
 * each with the AWS answer it must get (a 4xx with the exception's name and a message). The runner is
 * hostile-inputs.test.ts. `ctx` gives the values only known once the emulator is up (its port, a certificate).
 */

export interface HttpCase {
  /** What is hostile about it. */
  name: string;
  method: string;
  path: string;
  /** An object goes as JSON; a string or Buffer as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as the Host header instead of the emulator's own address. */
  host?: string;
  /** Sends the admin token (admin routes). */
  admin?: boolean;
  status: number;
  type: string;
  message?: RegExp;
}

export interface CaseContext {
  port: number;
  /** An ACTIVE certificate's id and ARN, and a policy that exists. */
  certificateId: string;
  certificateArn: string;
  policyName: string;
  thingName: string;
}

const invalid = 'InvalidRequestException';
const notFound = 'ResourceNotFoundException';
const forbidden = 'ForbiddenException';
const validation = /validation error|Member must|not valid JSON|nested too deeply/;
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A PEM whose armour is right and whose body is not base64. */
const badBase64Pem = '-----BEGIN CERTIFICATE-----\nMIIB!!!not*base64$$$\n-----END CERTIFICATE-----\n';
/** The armour of a key with too little inside to be one (e2e's scan for stray keys must not flag this file). */
const privateKeyPem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n';

export function httpCases(c: CaseContext): HttpCase[] {
  const cert = `/certificates/${c.certificateId}`;
  const principal = (p: string) => ({ 'x-amzn-principal': p });
  // biome-ignore format: one case per line reads as a table
  return [
    // Bad JSON
    { name: 'truncated JSON', method: 'POST', path: '/things/h-json-1', body: '{"attributePayload": ', status: 400, type: invalid, message: /not valid JSON/ },
    { name: 'not JSON at all', method: 'POST', path: '/things/h-json-2', body: 'thingTypeName=x', status: 400, type: invalid, message: /not valid JSON/ },
    { name: 'a JSON array for a body', method: 'POST', path: '/things/h-json-3', body: '[1,2,3]', status: 400, type: invalid, message: validation },
    { name: 'JSON null for a body', method: 'POST', path: '/things/h-json-4', body: 'null', status: 400, type: invalid, message: validation },
    { name: 'a JSON string for a body', method: 'POST', path: '/policies/h-json-5', body: '"policy"', status: 400, type: invalid, message: validation },
    { name: 'JSON with a trailing comma', method: 'POST', path: '/policies/h-json-6', body: '{"policyDocument": "{}",}', status: 400, type: invalid, message: /not valid JSON/ },
    { name: 'a body nested 10,000 levels deep', method: 'POST', path: '/things/h-json-7', body: deepJson(10_000), status: 400, type: invalid, message: /nested too deeply/ },
    { name: 'an array body nested 100,000 levels deep', method: 'PUT', path: `/target-policies/${c.policyName}`, body: deepArray(100_000), status: 400, type: invalid, message: /nested too deeply/ },
    { name: 'a policy document that is not JSON', method: 'POST', path: '/policies/h-bad-doc', body: { policyDocument: '{"Version": ' }, status: 400, type: 'MalformedPolicyException' },
    { name: 'a policy document without statements', method: 'POST', path: '/policies/h-bad-doc-2', body: { policyDocument: '{"Version":"2012-10-17"}' }, status: 400, type: 'MalformedPolicyException' },
    { name: 'a policy document nested 5,000 levels deep', method: 'POST', path: '/policies/h-bad-doc-3', body: { policyDocument: deepJson(5_000) }, status: 400, type: 'MalformedPolicyException' },

    // Wrong types
    { name: 'an attribute value that is a number', method: 'POST', path: '/things/h-type-1', body: { attributePayload: { attributes: { a: 5 } } }, status: 400, type: invalid, message: /attributePayload\.attributes\.a/ },
    { name: 'attributes that are a list', method: 'POST', path: '/things/h-type-2', body: { attributePayload: { attributes: ['a'] } }, status: 400, type: invalid, message: validation },
    { name: 'thingTypeName that is a number', method: 'POST', path: '/things/h-type-3', body: { thingTypeName: 7 }, status: 400, type: invalid, message: /thingTypeName/ },
    { name: 'a policy document that is an object, not a string', method: 'POST', path: '/policies/h-type-4', body: { policyDocument: { Version: '2012-10-17' } }, status: 400, type: invalid, message: /policyDocument/ },
    { name: 'a CSR that is a number', method: 'POST', path: '/certificates', body: { certificateSigningRequest: 12345 }, status: 400, type: invalid, message: /certificateSigningRequest/ },
    { name: 'expectedVersion that is a string', method: 'PATCH', path: `/things/${c.thingName}`, body: { expectedVersion: 'one' }, status: 400, type: invalid, message: /expectedVersion/ },
    { name: 'a target that is an object', method: 'PUT', path: `/target-policies/${c.policyName}`, body: { target: { arn: c.certificateArn } }, status: 400, type: invalid, message: /target/ },
    { name: 'setAsActive that is not a boolean', method: 'POST', path: '/keys-and-certificate?setAsActive=yes', status: 400, type: invalid, message: /setAsActive|Member must/ },
    { name: 'a certificate status that does not exist', method: 'PUT', path: `${cert}?newStatus=EVIL`, status: 400, type: invalid, message: /enum value set/ },
    { name: 'a thing group properties list', method: 'POST', path: '/thing-groups/h-group-1', body: { thingGroupProperties: [] }, status: 400, type: invalid, message: validation },

    // Oversized fields
    { name: 'a thing name of 129 characters', method: 'POST', path: `/things/${'a'.repeat(129)}`, status: 400, type: invalid, message: /128/ },
    { name: 'a policy name of 129 characters', method: 'GET', path: `/policies/${'p'.repeat(129)}`, status: 400, type: invalid, message: /128/ },
    { name: 'an attribute value of 801 characters', method: 'POST', path: '/things/h-big-1', body: { attributePayload: { attributes: { a: 'v'.repeat(801) } } }, status: 400, type: invalid, message: /800/ },
    { name: 'an attribute name of 129 characters', method: 'POST', path: '/things/h-big-2', body: { attributePayload: { attributes: { ['n'.repeat(129)]: 'v' } } }, status: 400, type: invalid, message: validation },
    { name: 'a CSR of 5,000 characters', method: 'POST', path: '/certificates', body: { certificateSigningRequest: 'A'.repeat(5000) }, status: 400, type: invalid, message: /4096/ },
    { name: 'a policy document over 2,048 characters', method: 'POST', path: '/policies/h-big-3', body: { policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:*:*:client/${'x'.repeat(2100)}` }] }) }, status: 400, type: 'MalformedPolicyException' },
    { name: 'a body over 1 MB', method: 'POST', path: '/things/h-big-4', body: 'x'.repeat(1024 * 1024 + 1), status: 413, type: 'RequestEntityTooLargeException' },
    { name: 'a shadow state over 8 KB', method: 'POST', path: '/things/h-big-5/shadow', body: { state: { reported: { big: 'x'.repeat(9000) } } }, status: 413, type: 'RequestEntityTooLargeException' },
    { name: 'a shadow clientToken of 65 bytes', method: 'POST', path: '/things/h-big-6/shadow', body: { state: { reported: { a: 1 } }, clientToken: 't'.repeat(65) }, status: 400, type: invalid, message: /clientToken/ },
    { name: 'a named shadow name of 65 characters', method: 'GET', path: `/things/h-big-7/shadow?name=${'s'.repeat(65)}`, status: 400, type: invalid, message: /64/ },
    { name: 'four attributes on a thing without a type', method: 'POST', path: '/things/h-big-8', body: { attributePayload: { attributes: { a: '1', b: '2', c: '3', d: '4' } } }, status: 400, type: invalid },
    { name: 'a publish payload over 128 KB', method: 'POST', path: '/topics/h/big', body: 'x'.repeat(128 * 1024 + 1), status: 413, type: 'RequestEntityTooLargeException' },

    // Path traversal and odd names
    { name: 'an encoded ../ in a thing name', method: 'GET', path: '/things/..%2F..%2Fetc%2Fpasswd', status: 400, type: invalid, message: /thingName/ },
    { name: 'a bare .. as a thing name', method: 'GET', path: '/things/..', status: 400, type: invalid, message: /thingName/ },
    { name: 'an encoded ../ in a policy name', method: 'GET', path: '/policies/..%2Fadmin', status: 400, type: invalid, message: /policyName/ },
    { name: '.. as a policy name (allowed characters, no such policy)', method: 'GET', path: '/policies/..', status: 404, type: notFound },
    { name: 'an encoded NUL in a thing name', method: 'GET', path: '/things/a%00b', status: 400, type: invalid, message: /thingName/ },
    { name: 'a traversal in a shadow name', method: 'GET', path: '/things/h-path-1/shadow?name=..%2F..%2Fx', status: 400, type: invalid },
    { name: 'a traversal past the admin prefix', method: 'GET', path: '/_emulator/../things', status: 404, type: 'UnknownOperationException' },
    { name: 'a traversal in a certificate id', method: 'GET', path: '/certificates/..%2F..%2Fkeys', status: 400, type: invalid, message: /certificateId/ },
    { name: 'a broken percent-encoding in a name', method: 'GET', path: '/things/%E0%A4%A', status: 400, type: invalid, message: /thingName/ },
    { name: 'a traversal in a topic', method: 'POST', path: '/topics/..%2F..%2F%2B', body: 'x', status: 400, type: invalid },

    // Unicode oddities
    { name: 'a right-to-left override in a thing name', method: 'POST', path: `/things/${encodeURIComponent('dev\u202Egpj')}`, status: 400, type: invalid, message: /thingName/ },
    { name: 'an emoji thing name', method: 'POST', path: `/things/${encodeURIComponent('📟')}`, status: 400, type: invalid, message: /thingName/ },
    { name: 'a zero-width space in a thing name', method: 'POST', path: `/things/${encodeURIComponent('dev\u200Bice')}`, status: 400, type: invalid, message: /thingName/ },
    { name: 'a Cyrillic homoglyph in a policy name', method: 'POST', path: `/policies/${encodeURIComponent('pоlicy')}`, body: { policyDocument: '{}' }, status: 400, type: invalid, message: /policyName/ },
    { name: 'a lone surrogate in a thing name', method: 'POST', path: '/things/%ED%A0%80', status: 400, type: invalid, message: /thingName/ },
    { name: 'an attribute value with a NUL', method: 'POST', path: '/things/h-uni-1', body: { attributePayload: { attributes: { a: 'x\u0000y' } } }, status: 400, type: invalid },
    { name: 'a shadow document that is not UTF-8', method: 'POST', path: '/things/h-uni-2/shadow', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), status: 415, type: 'UnsupportedDocumentEncodingException' },
    { name: 'a body with a byte-order mark', method: 'POST', path: '/things/h-uni-3', body: '\uFEFF{}', status: 400, type: invalid, message: /not valid JSON/ },

    // Huge numbers and bad page sizes
    { name: 'maxResults above every limit', method: 'GET', path: '/things?maxResults=99999999999999999999', status: 400, type: invalid, message: /maxResults/ },
    { name: 'maxResults of 1e309 (Infinity)', method: 'GET', path: '/things?maxResults=1e309', status: 400, type: invalid, message: /maxResults/ },
    { name: 'a negative maxResults', method: 'GET', path: '/things?maxResults=-1', status: 400, type: invalid, message: /maxResults/ },
    { name: 'maxResults of zero', method: 'GET', path: '/things?maxResults=0', status: 400, type: invalid, message: /maxResults/ },
    { name: 'a fractional maxResults', method: 'GET', path: '/things?maxResults=2.5', status: 400, type: invalid, message: /maxResults/ },
    { name: 'a negative pageSize for certificates', method: 'GET', path: '/certificates?pageSize=-5', status: 400, type: invalid, message: /pageSize/ },
    { name: 'a pageSize that is a word', method: 'GET', path: '/policies?pageSize=all', status: 400, type: invalid, message: /pageSize/ },
    { name: 'a negative pageSize for named shadows', method: 'GET', path: '/api/things/shadow/ListNamedShadowsForThing/h-num-1?pageSize=-1', status: 400, type: invalid, message: /pageSize/ },
    { name: 'a negative expectedVersion on delete', method: 'DELETE', path: `/things/${c.thingName}?expectedVersion=-1`, status: 409, type: 'VersionConflictException' },
    { name: 'an expectedVersion of 1e400', method: 'PATCH', path: `/things/${c.thingName}`, body: '{"expectedVersion": 1e400}', status: 400, type: invalid, message: /expectedVersion/ },
    { name: 'a shadow version of 1e20', method: 'POST', path: '/things/h-num-2/shadow', body: { state: {}, version: 1e20 }, status: 400, type: invalid, message: /Invalid version/ },
    { name: 'a negative shadow version', method: 'POST', path: '/things/h-num-3/shadow', body: { state: {}, version: -1 }, status: 400, type: invalid, message: /Invalid version/ },
    { name: 'a nextToken that was never issued', method: 'GET', path: '/things?nextToken=Zm9yZ2Vk', status: 400, type: invalid },
    { name: 'a marker that is not base64', method: 'GET', path: '/certificates?marker=%25%25%25', status: 400, type: invalid, message: /marker/ },
    { name: 'a publish QoS of 2', method: 'POST', path: '/topics/h/qos?qos=2', body: 'x', status: 400, type: invalid, message: /qos/ },

    // Bad ARNs and principals
    { name: 'a target that is not an ARN', method: 'PUT', path: `/target-policies/${c.policyName}`, body: { target: 'not-an-arn' }, status: 400, type: invalid },
    { name: 'a certificate ARN without an id', method: 'PUT', path: `/target-policies/${c.policyName}`, body: { target: 'arn:aws:iot:us-east-1:123456789012:cert/' }, status: 400, type: invalid },
    { name: 'a certificate ARN of another account', method: 'PUT', path: `/target-policies/${c.policyName}`, body: { target: c.certificateArn.replace('123456789012', '999999999999') }, status: 404, type: notFound },
    { name: 'an empty target', method: 'POST', path: `/target-policies/${c.policyName}`, body: { target: '' }, status: 400, type: invalid, message: /target/ },
    { name: 'an ARN that is not a target type', method: 'POST', path: '/attached-policies/arn%3Aaws%3As3%3A%3A%3Abucket', status: 400, type: invalid },
    { name: 'a principal that is not an ARN', method: 'PUT', path: `/things/${c.thingName}/principals`, headers: principal('../../etc/passwd'), status: 400, type: invalid },
    { name: 'a principal ARN of a certificate that does not exist', method: 'PUT', path: `/things/${c.thingName}/principals`, headers: principal(`arn:aws:iot:us-east-1:123456789012:cert/${'0'.repeat(64)}`), status: 404, type: notFound },
    { name: 'a principal of 3,000 characters', method: 'GET', path: '/principals/things', headers: principal(`arn:aws:iot:us-east-1:123456789012:cert/${'a'.repeat(3000)}`), status: 404, type: notFound },
    { name: 'a certificate id that is not hex', method: 'GET', path: `/certificates/${'z'.repeat(64)}`, status: 400, type: invalid, message: /certificateId/ },

    // Invalid base64 and keys where certificates belong
    { name: 'a certificate PEM whose body is not base64', method: 'POST', path: '/certificate/register-no-ca', body: { certificatePem: badBase64Pem }, status: 400, type: 'CertificateValidationException' },
    { name: 'a CA certificate PEM whose body is not base64', method: 'POST', path: '/cacertificate', body: { caCertificate: badBase64Pem, certificateMode: 'SNI_ONLY' }, status: 400, type: 'CertificateValidationException' },
    { name: 'a CSR whose body is not base64', method: 'POST', path: '/certificates', body: { certificateSigningRequest: badBase64Pem.replaceAll('CERTIFICATE', 'CERTIFICATE REQUEST') }, status: 400, type: invalid },
    { name: 'a private key where a CSR belongs', method: 'POST', path: '/certificates', body: { certificateSigningRequest: privateKeyPem }, status: 400, type: invalid },
    { name: 'a private key where a certificate belongs', method: 'POST', path: '/certificate/register-no-ca', body: { certificatePem: privateKeyPem }, status: 400, type: 'CertificateValidationException' },

    // Wrong methods
    { name: 'DELETE on the thing list', method: 'DELETE', path: '/things', status: 405, type: 'MethodNotAllowedException', message: /allowed: GET/ },
    { name: 'PATCH on the policy list', method: 'PATCH', path: '/policies', status: 405, type: 'MethodNotAllowedException' },
    { name: 'PUT on CreateKeysAndCertificate', method: 'PUT', path: '/keys-and-certificate', status: 405, type: 'MethodNotAllowedException' },
    { name: 'POST on DescribeEndpoint', method: 'POST', path: '/endpoint', status: 405, type: 'MethodNotAllowedException' },
    { name: 'PUT on an admin route', method: 'PUT', path: '/_emulator/faults', admin: true, status: 405, type: 'MethodNotAllowedException' },
    { name: 'a path no operation has', method: 'GET', path: '/admin/config.php', status: 404, type: 'UnknownOperationException' },

    // Missing headers
    { name: 'AttachThingPrincipal without x-amzn-principal', method: 'PUT', path: `/things/${c.thingName}/principals`, status: 400, type: invalid, message: /principal/ },
    { name: 'ListPrincipalThings without x-amzn-principal', method: 'GET', path: '/principals/things', status: 400, type: invalid, message: /principal/ },
    { name: 'no Host header at all', method: 'GET', path: '/things', host: '', status: 403, type: forbidden },

    // Foreign Host (DNS rebinding)
    { name: 'a foreign Host', method: 'GET', path: '/things', host: 'evil.example', status: 403, type: forbidden, message: /ALLOWED_HOSTS/ },
    { name: 'a foreign Host asking for a private key', method: 'POST', path: '/keys-and-certificate?setAsActive=true', host: `evil.example:${c.port}`, status: 403, type: forbidden },
    { name: 'a Host with user-info', method: 'GET', path: '/things', host: 'evil.example@localhost', status: 403, type: forbidden },
    { name: 'a Host with markup', method: 'GET', path: '/things', host: '"><script>alert(1)</script>', status: 403, type: forbidden },
    { name: 'a Host that only starts with localhost', method: 'GET', path: '/things', host: 'localhost.evil.example', status: 403, type: forbidden },

    // Cross-site browser requests
    { name: 'a cross-site form POST', method: 'POST', path: '/things/h-site-1', headers: { origin: 'http://attacker.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b', status: 403, type: forbidden },
    { name: 'a sandboxed page (Origin null)', method: 'POST', path: '/things/h-site-2', headers: { origin: 'null' }, status: 403, type: forbidden },
    { name: 'a malformed Origin', method: 'POST', path: '/things/h-site-3', headers: { origin: 'http://' }, status: 403, type: forbidden },
    { name: 'Sec-Fetch-Site cross-site on a read', method: 'GET', path: '/things', headers: { 'sec-fetch-site': 'cross-site' }, status: 403, type: forbidden },
    { name: 'Sec-Fetch-Site same-site on another port', method: 'DELETE', path: `/things/${c.thingName}`, headers: { 'sec-fetch-site': 'same-site' }, status: 403, type: forbidden },
    { name: 'a cross-site preflight', method: 'OPTIONS', path: '/things/h-site-4', headers: { origin: 'http://attacker.example', 'access-control-request-method': 'POST' }, status: 403, type: forbidden },

    // The admin routes
    { name: 'fault injection without the token', method: 'POST', path: '/_emulator/faults', body: { operation: 'CreateThing' }, status: 401, type: 'UnauthorizedException', message: /admin-token/ },
    { name: 'the client list without the token', method: 'GET', path: '/_emulator/clients', status: 401, type: 'UnauthorizedException' },
    { name: 'quotas with a wrong token', method: 'PUT', path: '/_emulator/quotas', headers: { authorization: 'Bearer not-the-token' }, body: { defaults: true }, status: 401, type: 'UnauthorizedException' },
    { name: 'a fault for an operation that does not exist', method: 'POST', path: '/_emulator/faults', admin: true, body: { operation: 'DropAllTables' }, status: 400, type: invalid, message: /'\*'/ },
    { name: 'a fault with an unknown exception', method: 'POST', path: '/_emulator/faults', admin: true, body: { operation: 'CreateThing', error: 'ChaosException' }, status: 400, type: invalid, message: /exception name/ },
    { name: 'a fault with a negative count', method: 'POST', path: '/_emulator/faults', admin: true, body: { operation: 'CreateThing', count: -1 }, status: 400, type: invalid, message: /count/ },
    { name: 'a fault with a probability of 2', method: 'POST', path: '/_emulator/faults', admin: true, body: { operation: 'CreateThing', probability: 2 }, status: 400, type: invalid, message: /probability/ },
    { name: 'a fault with both count and probability', method: 'POST', path: '/_emulator/faults', admin: true, body: { operation: 'CreateThing', count: 1, probability: 0.5 }, status: 400, type: invalid },
    { name: 'a quota with a negative rate', method: 'PUT', path: '/_emulator/quotas', admin: true, body: { rates: { CreateThing: -5 } }, status: 400, type: invalid },
    { name: 'an admin body that is not JSON', method: 'POST', path: '/_emulator/faults', admin: true, body: 'operation=CreateThing', status: 400, type: invalid, message: /not valid JSON/ },

    // Malformed shadow requests over HTTP
    { name: 'a shadow update without state', method: 'POST', path: '/things/h-sh-1/shadow', body: { desired: { a: 1 } }, status: 400, type: invalid, message: /Missing required node: state/ },
    { name: 'a shadow state that is a list', method: 'POST', path: '/things/h-sh-2/shadow', body: { state: [1] }, status: 400, type: invalid, message: /State node must be an object/ },
    { name: 'a shadow state with an unknown section', method: 'POST', path: '/things/h-sh-3/shadow', body: { state: { delta: { a: 1 } } }, status: 400, type: invalid, message: /invalid node/ },
    { name: 'a null inside a shadow array', method: 'POST', path: '/things/h-sh-4/shadow', body: { state: { reported: { a: [1, null] } } }, status: 400, type: invalid, message: /Invalid JSON/ },
    { name: 'a shadow nested 7 levels', method: 'POST', path: '/things/h-sh-5/shadow', body: { state: { desired: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } }, status: 400, type: invalid, message: /too many levels of nesting; maximum is 6/ },
    { name: 'a shadow nested 10,000 levels', method: 'POST', path: '/things/h-sh-6/shadow', body: `{"state":{"desired":${deepJson(10_000)}}}`, status: 400, type: invalid, message: /too many levels of nesting; maximum is 6/ },
    { name: 'a shadow payload that is not JSON', method: 'POST', path: '/things/h-sh-7/shadow', body: '{state: on}', status: 400, type: invalid, message: /invalid json/i },
    { name: 'a shadow that does not exist', method: 'GET', path: '/things/h-sh-8/shadow', status: 404, type: notFound },

    // Other operations
    { name: 'an endpoint type that does not exist', method: 'GET', path: '/endpoint?endpointType=iot:Everything', status: 400, type: invalid },
    { name: 'a policy version id that is not a number', method: 'GET', path: `/policies/${c.policyName}/version/abc`, status: 400, type: invalid, message: /policyVersionId/ },
    { name: 'a thing group name with a space', method: 'POST', path: '/thing-groups/has%20space', status: 400, type: invalid, message: /thingGroupName/ },
    { name: 'a thing type name with a slash', method: 'POST', path: '/thing-types/a%2Fb', status: 400, type: invalid, message: /thingTypeName/ },
    { name: 'TestAuthorization with nothing to test', method: 'POST', path: '/test-authorization', body: { authInfos: 'all' }, status: 400, type: invalid },
    { name: 'a version of a policy that does not exist', method: 'POST', path: '/policies/h-none/version', body: { policyDocument: '{}' }, status: 404, type: notFound },
  ];
}
