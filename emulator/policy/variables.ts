/**
 * The request context of AWS IoT Core policy evaluation: what the message broker knows about a connection, the
 * condition keys a policy can test (`iot:ClientId`, `iot:Connection.Thing.IsAttached`, `aws:SourceIp` ...) and the
 * policy variables a "2012-10-17" document can substitute (`${iot:Connection.Thing.ThingName}` ...).
 *
 * Pure: every key is compiled once, when a policy document is compiled, into a getter closure, so that evaluating a
 * request is a few property reads. Key and variable names are matched case-insensitively, as IAM matches condition
 * keys; a thing attribute's name (inside `[...]`) is case-sensitive, as thing attributes are.
 */

/** What the broker knows about the connection a request comes from. */
export interface AuthContext {
  region: string;
  accountId: string;
  /** The ARN partition; `aws` unless told otherwise. */
  partition?: string;
  clientId: string;
  /**
   * The thing the connection's certificate is attached to. Thing variables resolve only when it is attached and its
   * name equals the client id (AWS: "the value of clientId in the MQTT connect message must exactly match the thing
   * name"); the evaluator checks both, so the caller may pass the thing of the same name whether attached or not.
   */
  thing?: {
    thingName: string;
    thingTypeName?: string;
    attributes: Record<string, string>;
    attached: boolean;
  };
  certificate?: {
    id: string;
    /** Relative distinguished names by long name (`CommonName`) or short name (`CN`); repeated ones as arrays. */
    subject: Record<string, string | string[]>;
    issuer: Record<string, string | string[]>;
    serialNumber?: string;
    notBefore?: Date;
    notAfter?: Date;
    subjectAltNames?: AltNames;
    issuerAltNames?: AltNames;
  };
  /** The client's address (IPv4, IPv6 or IPv4-mapped IPv6). */
  sourceIp?: string;
}

export type AltNameKind = 'RFC822Name' | 'DNSName' | 'DirectoryName' | 'UniformResourceIdentifier' | 'IPAddress';
export type AltNames = Partial<Record<AltNameKind, string[]>>;

/** The values a condition key has in a request: undefined when the key is absent from the request context. */
export type ContextGetter = (ctx: AuthContext) => readonly string[] | undefined;

/**
 * The certificate name fields AWS IoT documents as policy variables (`iot:Certificate.Subject.<Field>` and
 * `iot:Certificate.Issuer.<Field>`), each with the attribute names a parsed certificate may use for it. Locality
 * (L) is not among the documented fields, so it is not offered.
 */
const NAME_FIELDS: Record<string, readonly string[]> = {
  commonname: ['commonname', 'cn'],
  country: ['country', 'c', 'countryname'],
  organization: ['organization', 'o', 'organizationname'],
  organizationalunit: ['organizationalunit', 'ou', 'organizationalunitname'],
  state: ['state', 'st', 'stateorprovincename'],
  serialnumber: ['serialnumber'],
  title: ['title'],
  surname: ['surname', 'sn'],
  givenname: ['givenname', 'gn', 'g'],
  initials: ['initials'],
  pseudonym: ['pseudonym'],
  generationqualifier: ['generationqualifier'],
  distinguishednamequalifier: ['distinguishednamequalifier', 'dnqualifier'],
};

const ALT_NAME_KINDS: Record<string, AltNameKind> = {
  rfc822name: 'RFC822Name',
  dnsname: 'DNSName',
  directoryname: 'DirectoryName',
  uniformresourceidentifier: 'UniformResourceIdentifier',
  ipaddress: 'IPAddress',
};

const one = (v: string | undefined): readonly string[] | undefined => (v === undefined ? undefined : [v]);

/** The thing the connection is attached to, when thing variables may resolve (attached, and named as the client). */
export function connectedThing(ctx: AuthContext): AuthContext['thing'] {
  const thing = ctx.thing;
  return thing?.attached && thing.thingName === ctx.clientId ? thing : undefined;
}

function nameValues(
  rdns: Record<string, string | string[]> | undefined,
  aliases: readonly string[],
): string[] | undefined {
  if (!rdns) return undefined;
  const out: string[] = [];
  for (const key of Object.keys(rdns)) {
    if (!aliases.includes(key.toLowerCase())) continue;
    const v = rdns[key];
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) out.push(...v);
  }
  return out.length ? out : undefined;
}

/**
 * A getter for a condition key, or undefined when the key is not one this emulator knows (the caller then treats the
 * statement as not matching). `.List` keys are multi-valued; the others have at most one value (for a multi-valued
 * certificate field, the first: AWS "by default, the policy variables for each multi-value attribute return the
 * first value").
 */
export function contextKeyGetter(rawKey: string): ContextGetter | undefined {
  const key = rawKey.trim().toLowerCase();
  switch (key) {
    case 'iot:clientid':
      return (ctx) => [ctx.clientId];
    case 'aws:sourceip':
      return (ctx) => one(ctx.sourceIp);
    case 'iot:connection.thing.thingname':
      return (ctx) => one(connectedThing(ctx)?.thingName);
    case 'iot:connection.thing.thingtypename':
      return (ctx) => one(connectedThing(ctx)?.thingTypeName);
    case 'iot:connection.thing.isattached':
      // AWS: "This variable has a value true or false": it is always present.
      return (ctx) => [connectedThing(ctx) ? 'true' : 'false'];
    case 'iot:certificate.serialnumber':
      return (ctx) => one(ctx.certificate?.serialNumber);
    case 'iot:certificate.validity.notbefore':
      return (ctx) => one(ctx.certificate?.notBefore?.toISOString());
    case 'iot:certificate.validity.notafter':
      return (ctx) => one(ctx.certificate?.notAfter?.toISOString());
  }

  // iot:Connection.Thing.Attributes[name]: the attribute name keeps its case (read it from the raw key).
  const attr = /^iot:connection\.thing\.attributes\[(.+)\]$/i.exec(rawKey.trim());
  if (attr) {
    const name = attr[1] as string;
    return (ctx) => {
      const attributes = connectedThing(ctx)?.attributes;
      return attributes && Object.hasOwn(attributes, name) ? one(attributes[name]) : undefined;
    };
  }

  const dn = /^iot:certificate\.(subject|issuer)\.([a-z]+)(\.list)?$/.exec(key);
  if (dn) {
    const aliases = NAME_FIELDS[dn[2] as string];
    if (!aliases) return undefined;
    const side = dn[1] === 'subject' ? 'subject' : 'issuer';
    const list = dn[3] !== undefined;
    return (ctx) => {
      const values = nameValues(ctx.certificate?.[side], aliases);
      return list || !values ? values : [values[0] as string];
    };
  }

  const alt = /^iot:certificate\.(subjectalternativename|issuer\.alternativename)\.([a-z0-9]+)(\.list)?$/.exec(key);
  if (alt) {
    const kind = ALT_NAME_KINDS[alt[2] as string];
    if (!kind) return undefined;
    const side = alt[1] === 'subjectalternativename' ? 'subjectAltNames' : 'issuerAltNames';
    const list = alt[3] !== undefined;
    return (ctx) => {
      const values = ctx.certificate?.[side]?.[kind];
      if (!values || values.length === 0) return undefined;
      return list ? values : [values[0] as string];
    };
  }
  return undefined;
}

/** A getter for a policy variable `${name}`: its single value, or undefined when it cannot be resolved. */
export type VariableGetter = (ctx: AuthContext) => string | undefined;

const unresolved: VariableGetter = () => undefined;

/**
 * A getter for the variable inside `${...}`. Unknown variables and multi-valued `.List` keys never resolve (a list
 * cannot be substituted into one string).
 */
export function variableGetter(name: string): VariableGetter {
  if (/\.list$/i.test(name.trim())) return unresolved;
  const get = contextKeyGetter(name);
  if (!get) return unresolved;
  return (ctx) => get(ctx)?.[0];
}

/** One piece of a policy string: text (where `*` and `?` may be wildcards), literal text, or a variable. */
export type TemplatePart =
  | { kind: 'text'; value: string }
  | { kind: 'literal'; value: string }
  | { kind: 'var'; name: string; get: VariableGetter };

/** The escapes IAM defines for characters that are otherwise special: `${*}`, `${?}` and `${$}`. */
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits a policy string into parts. With `substitute` false (a "2008-10-17" document, or one without Version, as
 * IAM treats it) `${...}` is not a variable but plain text.
 */
export function parseTemplate(source: string, substitute: boolean): TemplatePart[] {
  if (!substitute || !source.includes('${')) return source ? [{ kind: 'text', value: source }] : [];
  const parts: TemplatePart[] = [];
  let rest = source;
  for (;;) {
    const start = rest.indexOf('${');
    const end = start < 0 ? -1 : rest.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      if (rest) parts.push({ kind: 'text', value: rest });
      return parts;
    }
    if (start > 0) parts.push({ kind: 'text', value: rest.slice(0, start) });
    const name = rest.slice(start + 2, end);
    const escaped = ESCAPES[name];
    if (escaped !== undefined) parts.push({ kind: 'literal', value: escaped });
    else parts.push({ kind: 'var', name, get: variableGetter(name) });
    rest = rest.slice(end + 1);
  }
}
