/** The connection check's shapes: the facts gathered from AWS and the sections of steps shown to the operator. */

export type StepStatus = 'pass' | 'fail' | 'warn' | 'waiting';

export interface CheckFix {
  text: string;
  href?: string;
  linkText?: string;
}

export interface CheckStep {
  id: string;
  title: string;
  status: StepStatus;
  detail: string;
  fix?: CheckFix;
}

export interface CheckSection {
  id: string;
  title: string;
  steps: CheckStep[];
}

export type ActionType = 'CONNECT' | 'PUBLISH' | 'SUBSCRIBE' | 'RECEIVE';

/** One thing the device will do, to simulate. `essential`: without it the device cannot connect or send telemetry. */
export interface PlannedAction {
  id: string;
  action: ActionType;
  /** The client id, topic or topic filter (not the ARN). */
  name: string;
  resourceKind: 'client' | 'topic' | 'topicfilter';
  essential: boolean;
  why: string;
}

export interface AuthOutcome {
  decision: 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';
  allowedBy: string[];
  deniedBy: string[];
}

export type Lookup<T> = { ok: true; value: T } | { ok: false; message: string };

export interface CertificateFacts {
  id: string;
  arn: string;
  status: string;
  /** undefined: registered without a CA; `aws`: issued by AWS IoT; otherwise the registered CA and its status. */
  ca: { kind: 'none' } | { kind: 'aws' } | { kind: 'registered'; id: string; status: Lookup<string> };
  policies: Lookup<string[]>;
  /** In the order of plannedActions(). */
  authorization: Lookup<AuthOutcome[]>;
}

export interface EndpointFacts {
  mode: 'aws' | 'local';
  endpoint: string;
  port: number;
  rootCaFileName: string;
  rootCaDescription: string;
}

export interface CheckFacts {
  thingName: string;
  thing: Lookup<{ exists: boolean }>;
  certificates: Lookup<CertificateFacts[]>;
  endpoint: Lookup<EndpointFacts>;
}
