/**
 * Starting points for new AWS IoT policies: a least-privilege family built on policy variables, and the
 * documents that device guides ask operators to paste (the seed guides this project is built from). Pure
 * (no I/O), so the create page renders them in the browser and the unit tests check each one against
 * AWS's validation and the linter.
 *
 * Region and account: every resource is an ARN `arn:aws:iot:<region>:<account>:...`. The region is the one
 * the dashboard talks to (lib/aws/config). AWS IoT has no API that returns the account id, so the page takes
 * it from the ARN of any resource the API already returned (a policy, thing or certificate; see
 * lib/aws/policies.ts `discoverAccountId`) and, in an empty account, falls back to `*` in the account
 * position: AWS accepts wildcards there, and a policy only ever applies within its own account anyway.
 */

export interface TemplateContext {
  region: string;
  /** A 12-digit account id, or `*` when none could be learned. */
  accountId: string;
}

export interface TemplateParam {
  name: string;
  label: string;
  hint: string;
  defaultValue: string;
  /** A problem with the value in plain words, or undefined when it is fine. */
  validate: (value: string) => string | undefined;
}

export interface PolicyTemplate {
  id: string;
  title: string;
  summary: string;
  /** Where the document comes from, for the seed-guide examples. */
  source?: string;
  /** Broad on purpose (the guide's own example): shown with a caution. */
  broad?: boolean;
  params: readonly TemplateParam[];
  build: (arn: ArnBuilder, params: Readonly<Record<string, string>>) => PolicyDocumentShape;
}

export interface PolicyStatementShape {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}

export interface PolicyDocumentShape {
  Version: '2012-10-17';
  Statement: PolicyStatementShape[];
}

/** Builds AWS IoT ARNs for one region and account. */
export interface ArnBuilder {
  client: (clientId: string) => string;
  topic: (topic: string) => string;
  topicFilter: (filter: string) => string;
  thing: (name: string) => string;
  /** Every resource of every type: `arn:aws:iot:<region>:<account>:*`. */
  all: () => string;
}

/** The policy variable that names the thing the connecting certificate is attached to. */
export const THING = '${iot:Connection.Thing.ThingName}';

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function arnBuilder(ctx: TemplateContext): ArnBuilder {
  const base = `arn:aws:iot:${ctx.region}:${ctx.accountId}`;
  return {
    client: (id) => `${base}:client/${id}`,
    topic: (t) => `${base}:topic/${t}`,
    topicFilter: (f) => `${base}:topicfilter/${f}`,
    thing: (name) => `${base}:thing/${name}`,
    all: () => `${base}:*`,
  };
}

/** The account id in an AWS ARN (`arn:aws:iot:us-east-1:123456789012:policy/x`), if it has one. */
export function accountIdFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && ACCOUNT_ID.test(account) ? account : undefined;
}

/** A context from what the server knows; an unknown account becomes `*`, an odd region `*` too. */
export function templateContext(region: string | undefined, accountId: string | undefined): TemplateContext {
  return {
    region: region && REGION.test(region) ? region : '*',
    accountId: accountId && ACCOUNT_ID.test(accountId) ? accountId : '*',
  };
}

/** A topic prefix for telemetry: MQTT levels of safe characters, no wildcards, not a reserved `$` topic. */
function validateTopicPrefix(value: string): string | undefined {
  if (value.length === 0) return 'Enter a topic prefix, for example "telemetry".';
  if (value.length > 100) return 'Keep the prefix under 100 characters (MQTT topics are at most 256 bytes).';
  if (value.startsWith('$')) return 'Topics starting with "$" are reserved by AWS IoT.';
  if (value.startsWith('/') || value.endsWith('/')) return 'Leave out leading and trailing slashes.';
  if (/[#+*?]/.test(value)) return 'Wildcards (#, +, *, ?) are not allowed in a prefix.';
  if (!/^[A-Za-z0-9_\-/.]+$/.test(value)) return 'Use letters, digits and _ - . / only.';
  if (value.split('/').length > 5) return 'Use at most 5 levels: AWS IoT allows 8 in a whole topic.';
  return undefined;
}

/** AWS IoT rule names: 1-128 of `[a-zA-Z0-9_]`. */
function validateRuleName(value: string): string | undefined {
  if (value.length === 0) return 'Enter the name of the AWS IoT rule that receives the messages.';
  if (value.length > 128) return 'Rule names are at most 128 characters.';
  if (!/^[a-zA-Z0-9_]+$/.test(value)) return 'Rule names use letters, digits and underscores only.';
  return undefined;
}

const connectAsThing = (arn: ArnBuilder): PolicyStatementShape => ({
  Effect: 'Allow',
  Action: 'iot:Connect',
  Resource: arn.client(THING),
});

export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'thing-scoped',
    title: 'Least privilege: the thing’s own topics',
    summary:
      'A device connects only with its thing name as client id, and publishes, subscribes and receives only under <thing name>/. One policy serves the whole fleet: AWS substitutes the thing name of the certificate that connects.',
    params: [],
    build: (arn) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: arn.topic(`${THING}/*`) },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn.topicFilter(`${THING}/*`) },
      ],
    }),
  },
  {
    id: 'thing-shadow',
    title: 'Device shadow: the thing’s own shadows',
    summary:
      'A device reads and updates its own classic and named shadows, over MQTT ($aws/things/<thing name>/shadow/...) and over HTTPS, and nothing else.',
    params: [],
    build: (arn) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        {
          Effect: 'Allow',
          Action: ['iot:Publish', 'iot:Receive'],
          Resource: arn.topic(`$aws/things/${THING}/shadow/*`),
        },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn.topicFilter(`$aws/things/${THING}/shadow/*`) },
        {
          Effect: 'Allow',
          Action: ['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'],
          Resource: arn.thing(THING),
        },
      ],
    }),
  },
  {
    id: 'telemetry',
    title: 'Telemetry under a topic prefix',
    summary:
      'A device only publishes, and only to <prefix>/<thing name> and below; nothing else is allowed. Choose the prefix your rules or subscribers listen on.',
    params: [
      {
        name: 'prefix',
        label: 'Topic prefix',
        hint: 'For example telemetry or dt/factory-1 (no wildcards, no leading $).',
        defaultValue: 'telemetry',
        validate: validateTopicPrefix,
      },
    ],
    build: (arn, p) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        {
          Effect: 'Allow',
          Action: 'iot:Publish',
          Resource: [arn.topic(`${p.prefix}/${THING}`), arn.topic(`${p.prefix}/${THING}/*`)],
        },
      ],
    }),
  },
  {
    id: 'basic-ingest',
    title: 'Basic Ingest to one rule',
    summary:
      'A device publishes straight to an AWS IoT rule ($aws/rules/<rule>/...), skipping the message broker and its messaging cost; nothing else is allowed.',
    params: [
      {
        name: 'rule',
        label: 'Rule name',
        hint: 'The AWS IoT rule that receives the messages (letters, digits, underscores).',
        defaultValue: 'device_data',
        validate: validateRuleName,
      },
    ],
    build: (arn, p) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        { Effect: 'Allow', Action: 'iot:Publish', Resource: arn.topic(`$aws/rules/${p.rule}/*`) },
      ],
    }),
  },
  {
    id: 'microchip-sensors',
    title: 'Microchip AVR-IoT / PIC-IoT board',
    source: 'Microchip “Connect the Board to your AWS Account” guide: the board publishes on <thing name>/sensors.',
    summary:
      'The board publishes readings on <thing name>/sensors and follows its shadow’s delta; scoped to the thing with policy variables.',
    params: [],
    build: (arn) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        {
          Effect: 'Allow',
          Action: 'iot:Publish',
          Resource: [arn.topic(`${THING}/sensors`), arn.topic(`$aws/things/${THING}/shadow/*`)],
        },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn.topicFilter(`$aws/things/${THING}/shadow/*`) },
        { Effect: 'Allow', Action: 'iot:Receive', Resource: arn.topic(`$aws/things/${THING}/shadow/*`) },
      ],
    }),
  },
  {
    id: 'thin-edge',
    title: 'thin-edge.io gateway',
    source:
      'thin-edge.io “Connect your device to AWS IoT” guide (aws-example-policy.json): the bridge maps local aws/... topics to thinedge/<thing name>/... and the thing’s shadow in the cloud.',
    summary:
      'The tedge bridge publishes telemetry (local aws/td/...) to thinedge/<thing name>/td/..., receives commands on thinedge/<thing name>/cmd/..., syncs the shadow and checks the connection on thinedge/devices/<thing name>/test-connection.',
    params: [],
    build: (arn) => {
      const check = `thinedge/devices/${THING}/test-connection`;
      return {
        Version: '2012-10-17',
        Statement: [
          connectAsThing(arn),
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: [
              arn.topicFilter(`thinedge/${THING}/cmd/#`),
              arn.topicFilter(`$aws/things/${THING}/shadow/#`),
              arn.topicFilter(check),
            ],
          },
          {
            Effect: 'Allow',
            Action: 'iot:Receive',
            Resource: [
              arn.topic(`thinedge/${THING}/cmd`),
              arn.topic(`thinedge/${THING}/cmd/*`),
              arn.topic(`$aws/things/${THING}/shadow/*`),
              arn.topic(check),
            ],
          },
          {
            Effect: 'Allow',
            Action: ['iot:Publish', 'iot:RetainPublish'],
            Resource: [
              arn.topic(`thinedge/${THING}/td`),
              arn.topic(`thinedge/${THING}/td/*`),
              arn.topic(`$aws/things/${THING}/shadow/*`),
              arn.topic(check),
            ],
          },
        ],
      };
    },
  },
  {
    id: 'raspberry-pi-fleet',
    title: 'Raspberry Pi fleet (rule ingest + test topic)',
    source:
      'The Raspberry Pi fleet guide’s policy: connect as the thing, publish to the mydata rule and to a shared test topic.',
    summary:
      'Connect as the thing; publish and receive on $aws/rules/mydata/* and on the shared topic test, subscribe to test. Every device shares the test topic.',
    params: [],
    build: (arn) => ({
      Version: '2012-10-17',
      Statement: [
        connectAsThing(arn),
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: arn.topic('$aws/rules/mydata/*') },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: arn.topic('test') },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn.topicFilter('test') },
      ],
    }),
  },
  {
    id: 'freertos-dev',
    title: 'FreeRTOS demo (development only)',
    source:
      'The FreeRTOS “Setting up AWS connectivity” guide: four Allow statements (Connect, Publish, Subscribe, Receive) on arn:aws:iot:<region>:<account>:*.',
    broad: true,
    summary:
      'What the FreeRTOS demo guide asks for: every client id, topic and topic filter in the account. The guide itself says it is for development environments only.',
    params: [],
    build: (arn) => ({
      Version: '2012-10-17',
      Statement: ['iot:Connect', 'iot:Publish', 'iot:Subscribe', 'iot:Receive'].map((action) => ({
        Effect: 'Allow' as const,
        Action: action,
        Resource: arn.all(),
      })),
    }),
  },
  {
    id: 'sparkfun-datalogger',
    title: 'SparkFun DataLogger IoT (as in its guide)',
    source:
      'The SparkFun DataLogger IoT AWS guide: Connect, Subscribe, Receive, Publish and shadow get/update, each on "*".',
    broad: true,
    summary:
      'The guide’s policy, which allows its actions on every resource. It works, but any board holding it can act as any other device; prefer the device shadow template for production.',
    params: [],
    build: () => ({
      Version: '2012-10-17',
      Statement: [
        'iot:Connect',
        'iot:Subscribe',
        'iot:Receive',
        'iot:Publish',
        'iot:GetThingShadow',
        'iot:UpdateThingShadow',
      ].map((action) => ({ Effect: 'Allow' as const, Action: action, Resource: '*' })),
    }),
  },
];

export function findTemplate(id: string): PolicyTemplate | undefined {
  return POLICY_TEMPLATES.find((t) => t.id === id);
}

/** Each parameter's default, for a template's first render. */
export function defaultParams(template: PolicyTemplate): Record<string, string> {
  return Object.fromEntries(template.params.map((p) => [p.name, p.defaultValue]));
}

/** Problems with the parameter values, keyed by parameter name (empty when all are fine). */
export function validateParams(
  template: PolicyTemplate,
  params: Readonly<Record<string, string>>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const p of template.params) {
    const problem = p.validate((params[p.name] ?? '').trim());
    if (problem) problems[p.name] = problem;
  }
  return problems;
}

/** The template's document, pretty-printed, for the editor. Parameters are trimmed; missing ones take their default. */
export function renderTemplate(
  template: PolicyTemplate,
  ctx: TemplateContext,
  params: Readonly<Record<string, string>> = {},
): string {
  const values = { ...defaultParams(template) };
  for (const p of template.params) {
    const v = params[p.name]?.trim();
    if (v) values[p.name] = v;
  }
  return JSON.stringify(template.build(arnBuilder(ctx), values), null, 2);
}
