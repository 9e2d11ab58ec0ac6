import 'server-only';
import { LOCAL_CREDENTIALS } from '../local/credentials';
import { AppError } from './errors';

/**
 * Where the SDK points. `local` (default) talks to the emulator through the SDK's standard
 * endpoint variables with throwaway credentials; `aws` uses the default credential chain
 * (env, AWS_PROFILE, SSO, instance roles) and the real regional endpoints.
 */
export type IotMode = 'local' | 'aws';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface IotConfig {
  mode: IotMode;
  region: string;
  /** Control-plane endpoint; undefined means "let the SDK resolve it" (aws mode without an override). */
  controlEndpoint: string | undefined;
  /** Data-plane endpoint; in aws mode resolved later with DescribeEndpoint(iot:Data-ATS) unless overridden. */
  dataEndpoint: string | undefined;
  /** Explicit credentials in local mode; undefined means the SDK's default chain. */
  credentials: StaticCredentials | undefined;
}

/** The emulator's default HTTP port, matching `npm run emulator` and scripts/start.ts. */
export const DEFAULT_EMULATOR_HTTP_PORT = 4580;

/** The pair the local emulator accepts (it verifies them on SigV4-signed MQTT over WebSocket). */
const THROWAWAY_CREDENTIALS: StaticCredentials = LOCAL_CREDENTIALS;

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Parse the environment into a config. Pure apart from its argument, so tests can pass their own env. */
export function readIotConfig(env: Env = process.env): IotConfig {
  const rawMode = nonEmpty(env.IOT_MODE)?.toLowerCase() ?? 'local';
  if (rawMode !== 'local' && rawMode !== 'aws') {
    throw new AppError('misconfigured', `IOT_MODE must be "local" or "aws", not "${rawMode}".`);
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';

  // The same variables the SDK itself reads; reading them here too lets the error
  // messages and the Settings page name the endpoint actually in use.
  const controlOverride = nonEmpty(env.AWS_ENDPOINT_URL_IOT) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const dataOverride = nonEmpty(env.AWS_ENDPOINT_URL_IOT_DATA_PLANE) ?? nonEmpty(env.AWS_ENDPOINT_URL);

  if (rawMode === 'aws') {
    return {
      mode: 'aws',
      region,
      controlEndpoint: controlOverride,
      dataEndpoint: dataOverride,
      credentials: undefined,
    };
  }

  // Local mode without a launcher (e.g. `next dev` next to `npm run emulator`): assume the default port.
  const port = nonEmpty(env.IOT_EMULATOR_HTTP_PORT) ?? String(DEFAULT_EMULATOR_HTTP_PORT);
  const controlEndpoint = controlOverride ?? `http://127.0.0.1:${port}`;
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  return {
    mode: 'local',
    region,
    controlEndpoint,
    dataEndpoint: dataOverride ?? controlEndpoint,
    // Explicit static credentials, so a developer's AWS_PROFILE or SSO session is never consulted locally.
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : THROWAWAY_CREDENTIALS,
  };
}

/** A human-readable description of the control-plane target, for messages and the Settings page. */
export function describeControlEndpoint(config: IotConfig): string {
  return config.controlEndpoint ?? `https://iot.${config.region}.amazonaws.com`;
}
