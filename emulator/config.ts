import path from 'node:path';
import { LOCAL_CREDENTIALS } from '../lib/local/credentials';
import { parseHostList } from './http/request-guard';
import { checkLambdaEndpoints } from './lambda-endpoints';

/** What `createEmulator` accepts; every field has a default. */
export interface EmulatorOptions {
  /** Interface to listen on. Loopback by default: the emulator is a local sandbox. */
  host?: string;
  /**
   * Host names or addresses the HTTP server answers to besides loopback (localhost, 127.0.0.1, [::1]), as a list
   * or comma-separated (`IOT_EMULATOR_ALLOWED_HOSTS`). Any other Host header is refused (DNS rebinding).
   */
  allowedHosts?: string | readonly string[];
  /** HTTP port for the control plane, data plane and admin routes; 0 picks a free one. */
  httpPort?: number;
  /** MQTT over TLS port (the broker, part 2); 0 picks a free one. */
  mqttPort?: number;
  /**
   * HTTPS port of the credentials provider (`/role-aliases/{alias}/credentials` over mutual TLS, what
   * DescribeEndpoint iot:CredentialProvider names); 0 picks a free one. AWS serves it on 443. Defaults to 4581,
   * or to a free port when `httpPort` is 0 (tests and scripts that start emulators side by side).
   */
  credentialsPort?: number;
  /**
   * Fleet indexing the account starts with when it has no indexing configuration yet: `true` turns on registry,
   * shadow, connectivity and thing group indexing (the local stack's choice); AWS's default is off. Once the
   * account has a configuration (UpdateIndexingConfiguration), that is kept across restarts.
   */
  fleetIndexing?: boolean;
  /** Where state lives; `null` keeps everything in memory. */
  dataDir?: string | null;
  region?: string;
  accountId?: string;
  /** Host name DescribeEndpoint answers with; it must resolve to this machine. */
  endpointHost?: string;
  /**
   * The IAM-style credentials the emulator accepts for SigV4-signed MQTT over WebSocket (the dashboard's
   * path). Defaults to the throwaway pair `npm start` gives the dashboard.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Start with AWS's default per-operation rate quotas enforced (see faults.ts). */
  enforceQuotas?: boolean;
  /** Journal transactions between snapshots; small values exercise compaction in tests. */
  snapshotEvery?: number;
  /** Where the emulator writes its log lines; silent when omitted. */
  log?: (line: string) => void;
  /**
   * The account's persistent-session expiry in seconds: how long an MQTT session that is not clean outlives
   * its connection (MQTT 5 clients ask for less or up to this). AWS: 3600 by default, at most 604800.
   */
  sessionExpirySeconds?: number;
  /**
   * Stand-ins for Lambda functions: a provisioning template's pre-provisioning hook names a function ARN, and the
   * emulator POSTs AWS's hook payload to the HTTP endpoint given here for that ARN (lambda-endpoints.ts).
   * `npm run emulator` reads them from IOT_EMULATOR_LAMBDA_ENDPOINTS.
   */
  lambdaEndpoints?: Record<string, string>;
  /**
   * How long a CreateProvisioningClaim claim lasts, in seconds: AWS's five minutes by default; shorter lets a test
   * see a claim expire without waiting. `npm run emulator` reads IOT_EMULATOR_PROVISIONING_CLAIM_SECONDS.
   */
  provisioningClaimSeconds?: number;
}

export interface EmulatorConfig {
  host: string;
  /** Configured hosts, normalised (lowercase; IPv6 in brackets). */
  allowedHosts: string[];
  httpPort: number;
  mqttPort: number;
  credentialsPort: number;
  fleetIndexing: boolean;
  dataDir: string | null;
  region: string;
  accountId: string;
  endpointHost: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  enforceQuotas: boolean;
  snapshotEvery: number;
  log: (line: string) => void;
  sessionExpirySeconds: number;
  lambdaEndpoints: Record<string, string>;
  provisioningClaimSeconds: number;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';

export function resolveConfig(opts: EmulatorOptions = {}): EmulatorConfig {
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new Error(`accountId must be 12 digits, got ${accountId}`);
  return {
    host: opts.host ?? '127.0.0.1',
    allowedHosts: parseHostList(opts.allowedHosts),
    httpPort: opts.httpPort ?? 4580,
    mqttPort: opts.mqttPort ?? 8883,
    credentialsPort: opts.credentialsPort ?? (opts.httpPort === 0 ? 0 : 4581),
    fleetIndexing: opts.fleetIndexing ?? false,
    dataDir: opts.dataDir === null ? null : path.resolve(opts.dataDir ?? '.data/emulator'),
    region: opts.region ?? 'us-east-1',
    accountId,
    endpointHost: opts.endpointHost ?? 'localhost',
    credentials: opts.credentials ?? LOCAL_CREDENTIALS,
    enforceQuotas: opts.enforceQuotas ?? false,
    snapshotEvery: opts.snapshotEvery ?? 20_000,
    log: opts.log ?? (() => {}),
    sessionExpirySeconds: sessionExpiry(opts.sessionExpirySeconds),
    lambdaEndpoints: checkLambdaEndpoints(opts.lambdaEndpoints ?? {}),
    provisioningClaimSeconds: claimSeconds(opts.provisioningClaimSeconds),
  };
}

function sessionExpiry(seconds = 3600): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    throw new Error(`sessionExpirySeconds must be 1 to 604800 (7 days), got ${seconds}`);
  }
  return seconds;
}

function claimSeconds(seconds = 300): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) {
    throw new Error(`provisioningClaimSeconds must be 1 to 300 (AWS's five minutes), got ${seconds}`);
  }
  return seconds;
}

/** ARNs as AWS IoT writes them. */
export function arns(config: Pick<EmulatorConfig, 'region' | 'accountId'>) {
  const base = `arn:aws:iot:${config.region}:${config.accountId}`;
  return {
    thing: (name: string) => `${base}:thing/${name}`,
    thingType: (name: string) => `${base}:thingtype/${name}`,
    thingGroup: (name: string) => `${base}:thinggroup/${name}`,
    cert: (id: string) => `${base}:cert/${id}`,
    cacert: (id: string) => `${base}:cacert/${id}`,
    policy: (name: string) => `${base}:policy/${name}`,
    roleAlias: (name: string) => `${base}:rolealias/${name}`,
    provisioningTemplate: (name: string) => `${base}:provisioningtemplate/${name}`,
  };
}
