/**
 * What the JITP template editor knows about AWS IoT provisioning templates, and the checks it runs before a
 * template is saved on a CA (registrationConfig.templateBody). Pure: the editor runs it as the operator types
 * and the server action runs it again before UpdateCACertificate.
 */
import { parsePolicyDocument, describePolicyProblems } from '@/lib/validation/policy-document';
import { jsonSyntaxMessage, parseJson } from '@/lib/json/parse';

/** The parameters JITP fills from the device certificate (AWS IoT developer guide, "Just-in-time provisioning"). */
export const JITP_PARAMETERS: readonly { name: string; description: string }[] = [
  { name: 'AWS::IoT::Certificate::CommonName', description: 'Subject CN (the device name when this dashboard signs).' },
  { name: 'AWS::IoT::Certificate::Id', description: 'The certificate id AWS IoT gives the certificate.' },
  { name: 'AWS::IoT::Certificate::SerialNumber', description: 'The certificate serial number.' },
  { name: 'AWS::IoT::Certificate::Country', description: 'Subject C.' },
  { name: 'AWS::IoT::Certificate::Organization', description: 'Subject O.' },
  { name: 'AWS::IoT::Certificate::OrganizationalUnit', description: 'Subject OU.' },
  { name: 'AWS::IoT::Certificate::DistinguishedNameQualifier', description: 'Subject dnQualifier.' },
  { name: 'AWS::IoT::Certificate::StateName', description: 'Subject ST.' },
];

export const RESOURCE_TYPES = ['AWS::IoT::Thing', 'AWS::IoT::Certificate', 'AWS::IoT::Policy'] as const;

/** AWS's limit on registrationConfig.templateBody. */
export const MAX_TEMPLATE_LENGTH = 10_240;

/** A role the local IoT Core accepts; AWS needs a real one that AWS IoT may assume (JITP makes resources with it). */
export const LOCAL_PLACEHOLDER_ROLE_ARN = 'arn:aws:iam::123456789012:role/local-iot-jitp';

export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `{"Ref": name}` in a value. */
function refs(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string') out.add(value.Ref);
    else for (const v of Object.values(value)) refs(v, out);
  }
  return out;
}

export interface TemplateCheck {
  problems: string[];
  warnings: string[];
}

/** AWS's checks, and the mistakes that would only show when a device first connects. */
export function checkJitpTemplate(body: string): TemplateCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!body.trim()) return { problems: ['The template is empty.'], warnings };
  if (body.length > MAX_TEMPLATE_LENGTH) {
    problems.push(
      `The template is ${body.length.toLocaleString('en-US')} characters; AWS allows at most ${MAX_TEMPLATE_LENGTH.toLocaleString('en-US')}.`,
    );
  }
  const json = parseJson(body);
  if (!json.ok) return { problems: [...problems, jsonSyntaxMessage(json)], warnings };
  const parsed = json.value;
  if (!isObject(parsed))
    return { problems: [...problems, 'The template must be a JSON object with Parameters and Resources.'], warnings };

  const params = parsed.Parameters ?? {};
  const declared = new Set<string>();
  if (!isObject(params)) problems.push('Parameters must be an object.');
  else {
    for (const [name, decl] of Object.entries(params)) {
      declared.add(name);
      if (!isObject(decl)) {
        problems.push(`Parameter ${name} must be an object such as {"Type": "String"}.`);
        continue;
      }
      if (decl.Type !== undefined && decl.Type !== 'String' && decl.Type !== 'Number') {
        problems.push(
          `Parameter ${name} has Type ${JSON.stringify(decl.Type)}; provisioning templates support String and Number.`,
        );
      }
      if (name.startsWith('AWS::IoT::Certificate::') && !JITP_PARAMETERS.some((p) => p.name === name)) {
        problems.push(
          `${name} is not a parameter JITP provides. It provides: ${JITP_PARAMETERS.map((p) => p.name.replace('AWS::IoT::Certificate::', '')).join(', ')}.`,
        );
      } else if (!name.startsWith('AWS::IoT::Certificate::') && decl.Default === undefined) {
        warnings.push(`Parameter ${name} is not filled by JITP and has no Default: provisioning will fail.`);
      }
    }
  }

  const resources = parsed.Resources;
  if (!isObject(resources) || Object.keys(resources).length === 0) {
    problems.push(
      'Resources must be an object with at least one resource (AWS::IoT::Thing, AWS::IoT::Certificate, AWS::IoT::Policy).',
    );
    return { problems, warnings };
  }
  const counts: Record<string, number> = {};
  for (const [id, res] of Object.entries(resources)) {
    if (!isObject(res)) {
      problems.push(`Resource ${id} must be an object with Type and Properties.`);
      continue;
    }
    const type = res.Type;
    if (typeof type !== 'string' || !(RESOURCE_TYPES as readonly string[]).includes(type)) {
      problems.push(
        `Resource ${id} has Type ${JSON.stringify(type)}; JITP templates support ${RESOURCE_TYPES.join(', ')}.`,
      );
      continue;
    }
    counts[type] = (counts[type] ?? 0) + 1;
    const props = res.Properties;
    if (props !== undefined && !isObject(props)) problems.push(`Resource ${id}: Properties must be an object.`);
    const p = isObject(props) ? props : {};
    if (type === 'AWS::IoT::Thing' && p.ThingName === undefined)
      problems.push(`Resource ${id} (AWS::IoT::Thing) needs a ThingName.`);
    if (type === 'AWS::IoT::Certificate' && p.CertificateId === undefined && p.CertificatePem === undefined) {
      problems.push(
        `Resource ${id} (AWS::IoT::Certificate) needs CertificateId ({"Ref": "AWS::IoT::Certificate::Id"}).`,
      );
    }
    if (
      type === 'AWS::IoT::Certificate' &&
      p.Status !== undefined &&
      !['ACTIVE', 'INACTIVE'].includes(String(p.Status))
    ) {
      problems.push(`Resource ${id}: Status must be ACTIVE (or INACTIVE).`);
    }
    if (type === 'AWS::IoT::Policy') {
      if (p.PolicyName === undefined && p.PolicyDocument === undefined)
        problems.push(`Resource ${id} (AWS::IoT::Policy) needs a PolicyName or a PolicyDocument.`);
      if (typeof p.PolicyDocument === 'string') {
        const doc = parsePolicyDocument(p.PolicyDocument);
        if (!doc.ok)
          problems.push(
            `Resource ${id}: its PolicyDocument is not a valid policy: ${describePolicyProblems(doc.errors)}`,
          );
      }
    }
  }
  if ((counts['AWS::IoT::Thing'] ?? 0) > 1) problems.push('A template may make at most one AWS::IoT::Thing.');
  if ((counts['AWS::IoT::Certificate'] ?? 0) > 1)
    problems.push('A template may have at most one AWS::IoT::Certificate.');
  if (!counts['AWS::IoT::Certificate'])
    warnings.push(
      'No AWS::IoT::Certificate resource: the device certificate is activated anyway, but AWS recommends one with Status ACTIVE.',
    );
  if (!counts['AWS::IoT::Policy'])
    warnings.push(
      'No AWS::IoT::Policy: devices will connect with no policy attached and be refused by policy evaluation.',
    );

  const logicalIds = new Set(Object.keys(resources));
  for (const name of refs(resources)) {
    if (name === 'AWS::NoValue' || logicalIds.has(name) || declared.has(name)) continue;
    problems.push(
      name.startsWith('AWS::IoT::Certificate::')
        ? `Ref ${name} is used but not declared in Parameters (add "${name}": {"Type": "String"}).`
        : `Ref ${name} names neither a parameter nor a resource.`,
    );
  }
  return { problems, warnings };
}
