import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearCompiledPolicyCache,
  compilePolicy,
  compiledPolicyCacheSize,
  evaluate,
  resourceArn,
  type AttachedPolicy,
  type AuthContext,
  type Decision,
} from './evaluator';

const ACCOUNT = { region: 'us-east-1', accountId: '123456789012' };
const P = 'arn:aws:iot:us-east-1:123456789012';

/** A device whose certificate is not attached to any thing. */
const bare: AuthContext = { ...ACCOUNT, clientId: 'sensor-1', sourceIp: '10.1.2.3' };
/** The same device, its certificate attached to the thing named like its client id. */
const attached: AuthContext = {
  ...bare,
  thing: {
    thingName: 'sensor-1',
    thingTypeName: 'Thermometer',
    attributes: { site: 'plant-7', floor: '3' },
    attached: true,
  },
  certificate: {
    id: 'ab'.repeat(32),
    subject: { CN: 'sensor-1.example.com', O: ['Acme', 'Acme Labs'], C: 'DE' },
    issuer: { CommonName: 'Acme Device CA' },
    serialNumber: '0a1b2c',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    subjectAltNames: { DNSName: ['sensor-1.local'] },
  },
};
/** A thing of that name exists but the certificate is not attached to it. */
const unattachedThing: AuthContext = { ...attached, thing: { ...attached.thing!, attached: false } };
/** The certificate is attached to thing sensor-1, but the client connects as another client id. */
const otherClientId: AuthContext = { ...attached, clientId: 'sensor-2' };

type Statement = Record<string, unknown>;
const doc = (statements: Statement | Statement[], version: string | null = '2012-10-17') =>
  JSON.stringify(version === null ? { Statement: statements } : { Version: version, Statement: statements });
const allow = (Action: unknown, Resource: unknown, extra: Statement = {}): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const deny = (Action: unknown, Resource: unknown, extra: Statement = {}): Statement => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
const one = (document: string | object, policyName = 'p1'): AttachedPolicy[] => [{ policyName, document }];

type Outcome = 'allow' | 'implicit-deny' | 'explicit-deny';
const outcome = (d: Decision): Outcome => (d.allowed ? 'allow' : d.reason);

interface Case {
  name: string;
  policies: AttachedPolicy[];
  ctx?: AuthContext;
  action: string;
  resource: string;
  expect: Outcome;
}

const shadowPolicy = doc([
  allow('iot:Connect', `${P}:client/\${iot:Connection.Thing.ThingName}`),
  allow(['iot:Publish', 'iot:Receive'], `${P}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`),
  allow('iot:Subscribe', `${P}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`),
]);

// biome-ignore format: one case per line reads as a table
const cases: Case[] = [
  // Defaults and exact matching
  { name: 'with no policy attached every request is implicitly denied', policies: [], action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'an exact resource allows that resource', policies: one(doc(allow('iot:Publish', `${P}:topic/a/b`))), action: 'iot:Publish', resource: `${P}:topic/a/b`, expect: 'allow' },
  { name: 'an exact resource does not allow a longer topic', policies: one(doc(allow('iot:Publish', `${P}:topic/a/b`))), action: 'iot:Publish', resource: `${P}:topic/a/b/c`, expect: 'implicit-deny' },
  { name: 'an allow for another action does not allow this one', policies: one(doc(allow('iot:Publish', '*'))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a`, expect: 'implicit-deny' },
  { name: 'an allow in another account or region does not match', policies: one(doc(allow('iot:Publish', 'arn:aws:iot:eu-west-1:123456789012:topic/a'))), action: 'iot:Publish', resource: `${P}:topic/a`, expect: 'implicit-deny' },

  // Resource wildcards
  { name: '* in a resource matches across slashes', policies: one(doc(allow('iot:Publish', `${P}:topic/sensors/*`))), action: 'iot:Publish', resource: `${P}:topic/sensors/a/b/c`, expect: 'allow' },
  { name: '* in a resource matches an empty run', policies: one(doc(allow('iot:Publish', `${P}:topic/sensors/*`))), action: 'iot:Publish', resource: `${P}:topic/sensors/`, expect: 'allow' },
  { name: '* in the middle of a resource matches', policies: one(doc(allow('iot:Publish', `${P}:topic/*/status`))), action: 'iot:Publish', resource: `${P}:topic/a/b/status`, expect: 'allow' },
  { name: 'a Resource of * alone matches everything', policies: one(doc(allow('iot:Connect', '*'))), action: 'iot:Connect', resource: `${P}:client/anything`, expect: 'allow' },
  { name: '? matches exactly one character', policies: one(doc(allow('iot:Publish', `${P}:topic/room?`))), action: 'iot:Publish', resource: `${P}:topic/room7`, expect: 'allow' },
  { name: '? does not match two characters', policies: one(doc(allow('iot:Publish', `${P}:topic/room?`))), action: 'iot:Publish', resource: `${P}:topic/room17`, expect: 'implicit-deny' },
  { name: '? does not match zero characters', policies: one(doc(allow('iot:Publish', `${P}:topic/room?`))), action: 'iot:Publish', resource: `${P}:topic/room`, expect: 'implicit-deny' },
  { name: '? matches a character outside the BMP as one character', policies: one(doc(allow('iot:Publish', `${P}:topic/?`))), action: 'iot:Publish', resource: `${P}:topic/😀`, expect: 'allow' },
  { name: '# in a topicfilter resource is literal and matches the same filter', policies: one(doc(allow('iot:Subscribe', `${P}:topicfilter/a/#`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a/#`, expect: 'allow' },
  { name: '# in a topicfilter resource is not an MQTT wildcard', policies: one(doc(allow('iot:Subscribe', `${P}:topicfilter/a/#`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a/b`, expect: 'implicit-deny' },
  { name: '+ in a topicfilter resource is not an MQTT wildcard', policies: one(doc(allow('iot:Subscribe', `${P}:topicfilter/a/+/c`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a/b/c`, expect: 'implicit-deny' },
  { name: '+ in a topicfilter resource matches a literal + in the filter', policies: one(doc(allow('iot:Subscribe', `${P}:topicfilter/a/+/c`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a/+/c`, expect: 'allow' },
  { name: 'a policy * covers a subscription to a # filter', policies: one(doc(allow('iot:Subscribe', `${P}:topicfilter/a/*`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a/#`, expect: 'allow' },
  { name: 'resources match case-sensitively', policies: one(doc(allow('iot:Publish', `${P}:topic/Sensors/*`))), action: 'iot:Publish', resource: `${P}:topic/sensors/t`, expect: 'implicit-deny' },
  { name: 'a topic resource does not match a topicfilter request', policies: one(doc(allow('iot:Subscribe', `${P}:topic/a`))), action: 'iot:Subscribe', resource: `${P}:topicfilter/a`, expect: 'implicit-deny' },
  { name: 'any entry of a Resource array can match', policies: one(doc(allow('iot:Publish', [`${P}:topic/x`, `${P}:topic/y`]))), action: 'iot:Publish', resource: `${P}:topic/y`, expect: 'allow' },

  // Actions
  { name: 'iot:* matches every IoT action', policies: one(doc(allow('iot:*', '*'))), action: 'iot:Receive', resource: `${P}:topic/a`, expect: 'allow' },
  { name: '* as the action matches every action', policies: one(doc(allow('*', '*'))), action: 'iot:UpdateThingShadow', resource: `${P}:thing/t`, expect: 'allow' },
  { name: 'iot:Publish* matches iot:Publish', policies: one(doc(allow('iot:Publish*', '*'))), action: 'iot:Publish', resource: `${P}:topic/a`, expect: 'allow' },
  { name: 'iot:Publish* does not match iot:RetainPublish', policies: one(doc(allow('iot:Publish*', '*'))), action: 'iot:RetainPublish', resource: `${P}:topic/a`, expect: 'implicit-deny' },
  { name: 'iot:*Shadow matches the shadow actions', policies: one(doc(allow('iot:*Shadow', '*'))), action: 'iot:GetThingShadow', resource: `${P}:thing/t`, expect: 'allow' },
  { name: 'actions match case-insensitively', policies: one(doc(allow('IOT:publish', '*'))), action: 'iot:Publish', resource: `${P}:topic/a`, expect: 'allow' },
  { name: 'another service does not match an iot action', policies: one(doc(allow('greengrass:*', '*'))), action: 'iot:Publish', resource: `${P}:topic/a`, expect: 'implicit-deny' },
  { name: 'NotAction allows every action it does not name', policies: one(doc({ Effect: 'Allow', NotAction: 'iot:Publish', Resource: '*' })), action: 'iot:Subscribe', resource: `${P}:topicfilter/a`, expect: 'allow' },
  { name: 'NotAction does not allow the action it names', policies: one(doc({ Effect: 'Allow', NotAction: ['iot:Publish', 'iot:Connect'], Resource: '*' })), action: 'iot:Publish', resource: `${P}:topic/a`, expect: 'implicit-deny' },

  // NotResource
  { name: 'NotResource allows every resource it does not name', policies: one(doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${P}:topic/admin/*` })), action: 'iot:Publish', resource: `${P}:topic/data/1`, expect: 'allow' },
  { name: 'NotResource does not allow the resources it names', policies: one(doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${P}:topic/admin/*` })), action: 'iot:Publish', resource: `${P}:topic/admin/x`, expect: 'implicit-deny' },
  { name: 'a Deny with NotResource denies everything outside it', policies: one(doc([allow('iot:Publish', '*'), { Effect: 'Deny', Action: 'iot:Publish', NotResource: `${P}:topic/data/*` }])), action: 'iot:Publish', resource: `${P}:topic/other`, expect: 'explicit-deny' },
  { name: 'a NotResource with an unresolvable variable grants nothing', policies: one(doc({ Effect: 'Allow', Action: 'iot:Publish', NotResource: `${P}:topic/\${iot:Connection.Thing.ThingName}/*` })), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/x`, expect: 'implicit-deny' },

  // Deny
  { name: 'an explicit Deny in the same policy beats an Allow', policies: one(doc([allow('iot:*', '*'), deny('iot:Publish', `${P}:topic/secret`)])), action: 'iot:Publish', resource: `${P}:topic/secret`, expect: 'explicit-deny' },
  { name: 'an explicit Deny in another policy beats an Allow', policies: [...one(doc(allow('iot:Publish', '*')), 'open'), ...one(doc(deny('iot:Publish', `${P}:topic/secret`)), 'lockdown')], action: 'iot:Publish', resource: `${P}:topic/secret`, expect: 'explicit-deny' },
  { name: 'an explicit Deny placed before the Allow still wins', policies: [...one(doc(deny('iot:*', `${P}:topic/secret`)), 'lockdown'), ...one(doc(allow('iot:Publish', '*')), 'open')], action: 'iot:Publish', resource: `${P}:topic/secret`, expect: 'explicit-deny' },
  { name: 'a Deny that does not match leaves the Allow in force', policies: one(doc([allow('iot:Publish', '*'), deny('iot:Publish', `${P}:topic/secret`)])), action: 'iot:Publish', resource: `${P}:topic/public`, expect: 'allow' },
  { name: 'a Deny alone does not allow anything else', policies: one(doc(deny('iot:Publish', `${P}:topic/secret`))), action: 'iot:Publish', resource: `${P}:topic/public`, expect: 'implicit-deny' },

  // Variables: client id
  { name: '${iot:ClientId} is substituted in a resource', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:ClientId}`))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: '${iot:ClientId} does not allow another client id', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:ClientId}/*`))), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/sensor-2/t`, expect: 'implicit-deny' },
  { name: 'policy variable names are case-insensitive', policies: one(doc(allow('iot:Connect', `${P}:client/\${IOT:clientid}`))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'a substituted client id of * is literal, not a wildcard', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:ClientId}`))), ctx: { ...bare, clientId: '*' }, action: 'iot:Publish', resource: `${P}:topic/anything`, expect: 'implicit-deny' },
  { name: 'an unknown policy variable matches nothing', policies: one(doc(allow('iot:Publish', `${P}:topic/\${aws:username}`))), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/\${aws:username}`, expect: 'implicit-deny' },
  { name: 'an unresolvable entry does not stop another entry from matching', policies: one(doc(allow('iot:Publish', [`${P}:topic/\${iot:Connection.Thing.ThingName}`, `${P}:topic/public`]))), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/public`, expect: 'allow' },

  // Variables: thing
  { name: '${iot:Connection.Thing.ThingName} resolves for an attached thing named like the client', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.ThingName}/t`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/sensor-1/t`, expect: 'allow' },
  { name: '${iot:Connection.Thing.ThingName} does not resolve without an attached thing', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.ThingName}/*`))), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/sensor-1/t`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.ThingName} does not resolve when the certificate is not attached to the thing', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.ThingName}/*`))), ctx: unattachedThing, action: 'iot:Publish', resource: `${P}:topic/sensor-1/t`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.ThingName} does not resolve when the client id differs from the thing name', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.ThingName}/*`))), ctx: otherClientId, action: 'iot:Publish', resource: `${P}:topic/sensor-1/t`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.ThingTypeName} resolves to the thing type', policies: one(doc(allow('iot:Publish', `${P}:topic/types/\${iot:Connection.Thing.ThingTypeName}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/types/Thermometer`, expect: 'allow' },
  { name: '${iot:Connection.Thing.ThingTypeName} does not resolve for a thing without a type', policies: one(doc(allow('iot:Publish', `${P}:topic/types/\${iot:Connection.Thing.ThingTypeName}*`))), ctx: { ...attached, thing: { ...attached.thing!, thingTypeName: undefined } }, action: 'iot:Publish', resource: `${P}:topic/types/`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.ThingTypeName} does not resolve without an attached thing', policies: one(doc(allow('iot:Publish', `${P}:topic/types/\${iot:Connection.Thing.ThingTypeName}`))), ctx: unattachedThing, action: 'iot:Publish', resource: `${P}:topic/types/Thermometer`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.Attributes[name]} resolves to the attribute', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.Attributes[site]}/*`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/plant-7/temp`, expect: 'allow' },
  { name: '${iot:Connection.Thing.Attributes[name]} does not resolve for a missing attribute', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.Attributes[building]}*`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/x`, expect: 'implicit-deny' },
  { name: 'thing attribute names are case-sensitive', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.Attributes[Site]}*`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/plant-7`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.Attributes[name]} does not resolve without an attached thing', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Connection.Thing.Attributes[site]}/*`))), ctx: unattachedThing, action: 'iot:Publish', resource: `${P}:topic/plant-7/temp`, expect: 'implicit-deny' },
  { name: '${iot:Connection.Thing.IsAttached} resolves to true for an attached thing', policies: one(doc(allow('iot:Publish', `${P}:topic/attached/\${iot:Connection.Thing.IsAttached}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/attached/true`, expect: 'allow' },
  { name: '${iot:Connection.Thing.IsAttached} resolves to false without one', policies: one(doc(allow('iot:Publish', `${P}:topic/attached/\${iot:Connection.Thing.IsAttached}`))), ctx: bare, action: 'iot:Publish', resource: `${P}:topic/attached/false`, expect: 'allow' },

  // Variables: certificate
  { name: '${iot:Certificate.Subject.CommonName} resolves from the subject CN', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:Certificate.Subject.CommonName}`))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1.example.com`, expect: 'allow' },
  { name: '${iot:Certificate.Subject.CommonName} does not resolve without a certificate', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:Certificate.Subject.CommonName}*`))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a multi-valued subject field resolves to its first value', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Certificate.Subject.Organization}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/Acme`, expect: 'allow' },
  { name: 'a .List variable cannot be substituted into a resource', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Certificate.Subject.Organization.List}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/Acme`, expect: 'implicit-deny' },
  { name: '${iot:Certificate.Issuer.CommonName} resolves from the issuer', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Certificate.Issuer.CommonName}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/Acme Device CA`, expect: 'allow' },
  { name: '${iot:Certificate.SerialNumber} resolves to the serial number', policies: one(doc(allow('iot:Publish', `${P}:topic/serial/\${iot:Certificate.SerialNumber}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/serial/0a1b2c`, expect: 'allow' },
  { name: '${iot:Certificate.SubjectAlternativeName.DNSName} resolves to the first DNS name', policies: one(doc(allow('iot:Publish', `${P}:topic/\${iot:Certificate.SubjectAlternativeName.DNSName}`))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/sensor-1.local`, expect: 'allow' },

  // Escapes and policy language versions
  { name: '${*} is a literal * that does not act as a wildcard', policies: one(doc(allow('iot:Publish', `${P}:topic/a/\${*}`))), action: 'iot:Publish', resource: `${P}:topic/a/*`, expect: 'allow' },
  { name: '${*} does not match other text', policies: one(doc(allow('iot:Publish', `${P}:topic/a/\${*}`))), action: 'iot:Publish', resource: `${P}:topic/a/b`, expect: 'implicit-deny' },
  { name: '${?} is a literal ?', policies: one(doc(allow('iot:Publish', `${P}:topic/a\${?}`))), action: 'iot:Publish', resource: `${P}:topic/ab`, expect: 'implicit-deny' },
  { name: '${?} matches a literal ? in the resource', policies: one(doc(allow('iot:Publish', `${P}:topic/a\${?}`))), action: 'iot:Publish', resource: `${P}:topic/a?`, expect: 'allow' },
  { name: '${$} is a literal $', policies: one(doc(allow('iot:Publish', `${P}:topic/\${$}aws/x`))), action: 'iot:Publish', resource: `${P}:topic/$aws/x`, expect: 'allow' },
  { name: 'a 2008-10-17 document does not substitute variables', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:ClientId}`), '2008-10-17')), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a 2008-10-17 document keeps ${...} as literal text', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:ClientId}`), '2008-10-17')), ctx: bare, action: 'iot:Connect', resource: `${P}:client/\${iot:ClientId}`, expect: 'allow' },
  { name: 'a document without Version does not substitute variables', policies: one(doc(allow('iot:Connect', `${P}:client/\${iot:ClientId}`), null)), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },

  // Conditions
  { name: 'Bool iot:Connection.Thing.IsAttached true allows an attached thing', policies: one(doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'Bool iot:Connection.Thing.IsAttached true refuses a certificate not attached to the thing', policies: one(doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }))), ctx: unattachedThing, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'Bool iot:Connection.Thing.IsAttached true refuses a client id other than the thing name', policies: one(doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }))), ctx: otherClientId, action: 'iot:Connect', resource: `${P}:client/sensor-2`, expect: 'implicit-deny' },
  { name: 'Bool iot:Connection.Thing.IsAttached accepts a JSON boolean', policies: one(doc(allow('iot:Connect', '*', { Condition: { Bool: { 'iot:Connection.Thing.IsAttached': true } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'StringEquals iot:Connection.Thing.IsAttached false matches an unattached certificate', policies: one(doc(deny('iot:*', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.IsAttached': 'false' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'explicit-deny' },
  { name: 'StringEquals iot:Connection.Thing.IsAttached true matches an attached thing', policies: one(doc(allow('iot:*', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.IsAttached': 'true' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'StringEquals on iot:ClientId matches one of several values', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:ClientId': ['a', 'sensor-1'] } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'StringNotEquals refuses a listed value', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringNotEquals: { 'iot:ClientId': ['a', 'sensor-1'] } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'StringLike takes wildcards', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringLike: { 'iot:ClientId': 'sensor-*' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'StringNotLike refuses a matching value', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringNotLike: { 'iot:ClientId': 'sensor-*' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'StringEquals does not treat * as a wildcard', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:ClientId': 'sensor-*' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'StringEquals with a thing attribute and type', policies: one(doc(allow('iot:Publish', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'plant-7', 'iot:Connection.Thing.ThingTypeName': 'Thermometer' } } }))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/x`, expect: 'allow' },
  { name: 'every key of a condition must match', policies: one(doc(allow('iot:Publish', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'plant-7', 'iot:Connection.Thing.ThingTypeName': 'Valve' } } }))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/x`, expect: 'implicit-deny' },
  { name: 'a condition value may use a policy variable', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.ThingName': '${iot:ClientId}' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'a condition value with an unresolvable variable fails the condition', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:ClientId': '${iot:Connection.Thing.ThingName}' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'StringLike values keep substituted text literal', policies: one(doc(allow('iot:Publish', '*', { Condition: { StringLike: { 'iot:Connection.Thing.ThingName': '${iot:ClientId}*' } } }))), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/x`, expect: 'allow' },
  { name: 'a condition on an absent key fails', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEquals: { 'iot:Connection.Thing.ThingName': 'sensor-1' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a negated condition on an absent key holds', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringNotEquals: { 'iot:Connection.Thing.ThingName': 'sensor-9' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: '...IfExists holds when the key is absent', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEqualsIfExists: { 'iot:Connection.Thing.ThingName': 'sensor-9' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: '...IfExists still tests a present key', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringEqualsIfExists: { 'iot:Connection.Thing.ThingName': 'sensor-9' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'Null true holds when the key is absent', policies: one(doc(allow('iot:Connect', '*', { Condition: { Null: { 'iot:Connection.Thing.ThingTypeName': 'true' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'IpAddress allows a source address inside the range', policies: one(doc(allow('iot:Connect', '*', { Condition: { IpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '10.0.0.0/8'] } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'IpAddress refuses a source address outside the range', policies: one(doc(allow('iot:Connect', '*', { Condition: { IpAddress: { 'aws:SourceIp': '192.168.0.0/16' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'IpAddress reads an IPv4-mapped IPv6 source address as IPv4', policies: one(doc(allow('iot:Connect', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } } }))), ctx: { ...bare, sourceIp: '::ffff:10.1.2.3' }, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'IpAddress matches IPv6 ranges', policies: one(doc(allow('iot:Connect', '*', { Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } }))), ctx: { ...bare, sourceIp: '2001:db8:0:1::5' }, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'NotIpAddress denies outside the allowed network', policies: one(doc([allow('iot:*', '*'), deny('iot:*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '192.168.0.0/16' } } })])), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'explicit-deny' },
  { name: 'ForAnyValue on a .List key matches any certificate value', policies: one(doc(allow('iot:Connect', '*', { Condition: { 'ForAnyValue:StringEquals': { 'iot:Certificate.Subject.Organization.List': 'Acme Labs' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'ForAllValues on a .List key needs every certificate value listed', policies: one(doc(allow('iot:Connect', '*', { Condition: { 'ForAllValues:StringEquals': { 'iot:Certificate.Subject.Organization.List': 'Acme' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'DateGreaterThan compares certificate validity', policies: one(doc(allow('iot:Connect', '*', { Condition: { DateGreaterThan: { 'iot:Certificate.Validity.NotAfter': '2030-01-01T00:00:00Z' } } }))), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'an unknown condition operator makes the statement never apply', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringSoundsLike: { 'iot:ClientId': 'sensor-1' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'an unknown condition key makes the statement never apply', policies: one(doc(allow('iot:Connect', '*', { Condition: { StringNotEquals: { 'iot:NoSuchKey': 'x' } } }))), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'an unknown condition key leaves a Deny without effect', policies: one(doc([allow('iot:Connect', '*'), deny('iot:Connect', '*', { Condition: { StringEquals: { 'iot:NoSuchKey': 'x' } } })])), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },

  // Malformed documents
  { name: 'a document that is not JSON grants nothing', policies: one('{"Version": "2012-10-17", "Statement": ['), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a malformed policy does not stop another policy from allowing', policies: [...one('not json', 'broken'), ...one(doc(allow('iot:Connect', '*')), 'good')], action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'a JSON value that is not an object grants nothing', policies: one('[1, 2]'), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a statement with both Action and NotAction grants nothing', policies: one(doc({ Effect: 'Allow', Action: 'iot:*', NotAction: 'iot:Publish', Resource: '*' })), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a statement with a lower-case effect grants nothing', policies: one(doc({ Effect: 'allow', Action: 'iot:*', Resource: '*' })), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'a readable statement still applies next to an unreadable one', policies: one(doc([{ Effect: 'Allow', Action: 42, Resource: '*' }, allow('iot:Connect', '*')])), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'a single Statement object (not an array) is read', policies: one(JSON.stringify({ Version: '2012-10-17', Statement: allow('iot:Connect', '*') })), action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'a parsed document object is accepted as well as text', policies: one({ Version: '2012-10-17', Statement: [allow('iot:Connect', `${P}:client/\${iot:ClientId}`)] }), ctx: bare, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },

  // A least-privilege, thing-scoped policy
  { name: 'thing-scoped policy: the thing may connect as itself', policies: one(shadowPolicy), ctx: attached, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'allow' },
  { name: 'thing-scoped policy: the thing may publish to its own shadow', policies: one(shadowPolicy), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/$aws/things/sensor-1/shadow/update`, expect: 'allow' },
  { name: 'thing-scoped policy: the thing may receive its own shadow responses', policies: one(shadowPolicy), ctx: attached, action: 'iot:Receive', resource: `${P}:topic/$aws/things/sensor-1/shadow/update/accepted`, expect: 'allow' },
  { name: 'thing-scoped policy: the thing may subscribe to its own shadow topics with a # filter', policies: one(shadowPolicy), ctx: attached, action: 'iot:Subscribe', resource: `${P}:topicfilter/$aws/things/sensor-1/shadow/#`, expect: 'allow' },
  { name: "thing-scoped policy: the thing may not publish to another thing's shadow", policies: one(shadowPolicy), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/$aws/things/sensor-2/shadow/update`, expect: 'implicit-deny' },
  { name: "thing-scoped policy: the thing may not subscribe to another thing's shadow", policies: one(shadowPolicy), ctx: attached, action: 'iot:Subscribe', resource: `${P}:topicfilter/$aws/things/sensor-2/shadow/#`, expect: 'implicit-deny' },
  { name: 'thing-scoped policy: a subscription to every thing is refused', policies: one(shadowPolicy), ctx: attached, action: 'iot:Subscribe', resource: `${P}:topicfilter/$aws/things/+/shadow/#`, expect: 'implicit-deny' },
  { name: 'thing-scoped policy: the thing may not connect as another client', policies: one(shadowPolicy), ctx: otherClientId, action: 'iot:Connect', resource: `${P}:client/sensor-2`, expect: 'implicit-deny' },
  { name: 'thing-scoped policy: a certificate not attached to the thing cannot connect', policies: one(shadowPolicy), ctx: unattachedThing, action: 'iot:Connect', resource: `${P}:client/sensor-1`, expect: 'implicit-deny' },
  { name: 'thing-scoped policy: the thing may not publish outside its shadow', policies: one(shadowPolicy), ctx: attached, action: 'iot:Publish', resource: `${P}:topic/sensor-1/telemetry`, expect: 'implicit-deny' },
];

describe('policy evaluation', () => {
  for (const c of cases) {
    test(c.name, () => {
      const decision = evaluate(c.policies, c.ctx ?? attached, { action: c.action, resource: c.resource });
      assert.equal(outcome(decision), c.expect);
    });
  }
});

describe('decisions explain themselves', () => {
  test('an allow names the policy and statement that granted it', () => {
    const policies: AttachedPolicy[] = [
      { policyName: 'other', document: doc(allow('iot:Publish', '*')) },
      {
        policyName: 'connect',
        document: doc([allow('iot:Publish', '*'), { Sid: 'Conn', ...allow('iot:Connect', '*') }]),
      },
    ];
    const d = evaluate(policies, bare, { action: 'iot:Connect', resource: resourceArn(bare, 'client', 'sensor-1') });
    assert.deepEqual(d, { allowed: true, matchedBy: { policyName: 'connect', statementIndex: 1, sid: 'Conn' } });
  });

  test('an explicit deny names the policy and statement that denied it', () => {
    const policies: AttachedPolicy[] = [
      { policyName: 'open', document: doc(allow('iot:*', '*')) },
      { policyName: 'lockdown', document: doc([allow('iot:Connect', '*'), deny('iot:Publish', `${P}:topic/secret`)]) },
    ];
    const d = evaluate(policies, bare, { action: 'iot:Publish', resource: `${P}:topic/secret` });
    assert.deepEqual(d, {
      allowed: false,
      reason: 'explicit-deny',
      deniedBy: { policyName: 'lockdown', statementIndex: 1 },
    });
  });

  test('an implicit deny names nothing', () => {
    assert.deepEqual(evaluate([], bare, { action: 'iot:Connect', resource: `${P}:client/x` }), {
      allowed: false,
      reason: 'implicit-deny',
    });
  });
});

describe('resource ARNs', () => {
  test('resourceArn builds the ARN each kind of request is checked against', () => {
    assert.equal(resourceArn(ACCOUNT, 'client', 'sensor-1'), `${P}:client/sensor-1`);
    assert.equal(resourceArn(ACCOUNT, 'topic', '$aws/things/t/shadow/get'), `${P}:topic/$aws/things/t/shadow/get`);
    assert.equal(resourceArn(ACCOUNT, 'topicfilter', 'a/+/#'), `${P}:topicfilter/a/+/#`);
    assert.equal(resourceArn(ACCOUNT, 'thing', 't'), `${P}:thing/t`);
    assert.equal(
      resourceArn({ ...ACCOUNT, partition: 'aws-cn' }, 'thing', 't'),
      'arn:aws-cn:iot:us-east-1:123456789012:thing/t',
    );
  });
});

describe('compilation', () => {
  test('a document is compiled once and reused for every later request', () => {
    clearCompiledPolicyCache();
    const text = doc(allow('iot:Publish', `${P}:topic/\${iot:ClientId}/*`));
    const first = compilePolicy(text);
    for (let i = 0; i < 3; i++) evaluate(one(text), bare, { action: 'iot:Publish', resource: `${P}:topic/sensor-1/t` });
    assert.equal(compiledPolicyCacheSize(), 1);
    assert.equal(compilePolicy(text), first);
  });

  test('a malformed document is cached too and reports why it grants nothing', () => {
    clearCompiledPolicyCache();
    const compiled = compilePolicy('{oops');
    assert.equal(compiled.statements.length, 0);
    assert.match(compiled.problems[0] ?? '', /not valid JSON/);
    assert.equal(compilePolicy('{oops'), compiled);
    assert.equal(compiledPolicyCacheSize(), 1);
  });

  test('a statement that can never apply is reported', () => {
    const compiled = compilePolicy(
      doc([allow('iot:Connect', '*', { Condition: { BinaryEquals: { 'iot:ClientId': 'eA==' } } })]),
    );
    assert.equal(compiled.statements.length, 0);
    assert.match(compiled.problems[0] ?? '', /Statement 0: .*BinaryEquals/);
  });

  test('evaluation never throws, whatever the document', () => {
    for (const document of [
      '',
      'null',
      '"text"',
      '{"Statement": null}',
      '{"Statement": [null, 1, "x"]}',
      '{"Statement": {"Effect": "Allow", "Action": "iot:*", "Resource": "*", "Condition": {"StringEquals": {"iot:ClientId": [{}]}}}}',
    ]) {
      const d = evaluate(one(document), bare, { action: 'iot:Connect', resource: `${P}:client/sensor-1` });
      assert.equal(outcome(d), 'implicit-deny', document);
    }
  });
});
