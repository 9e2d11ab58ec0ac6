import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when the AWS CLI is on this machine (CI installs Debian's awscli). */
export async function hasAwsCli(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: unknown;
}

/**
 * Runs `aws --endpoint-url <url> iot ...` exactly as a user would, isolated from any real AWS
 * configuration on the machine (no profile, no config file, throwaway keys).
 */
export async function awsCli(endpointUrl: string, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: 'AKIDCLIINTEROP',
    AWS_SECRET_ACCESS_KEY: 'cli-interop-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
  try {
    const { stdout, stderr } = await run('aws', ['--endpoint-url', endpointUrl, '--output', 'json', ...args], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, json: stdout.trim() ? JSON.parse(stdout) : {} };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
      json: undefined,
    };
  }
}

/** The `skip` option of an AWS CLI describe block: CI installs awscli; only a machine without it skips, and says so. */
export const awsCliSkip =
  !(await hasAwsCli()) && !process.env.CI ? 'the AWS CLI is not installed (apt-get install awscli)' : false;

/**
 * `aws iot ...` against the emulator at `endpointUrl()` (read at each call: the emulator starts in `before`):
 * `ok` asserts it succeeded and gives its JSON; `fails` asserts it failed and gives its stderr.
 */
export function iotCli(endpointUrl: () => string) {
  return {
    async ok(...args: string[]): Promise<Record<string, unknown>> {
      const r = await awsCli(endpointUrl(), ['iot', ...args]);
      assert.equal(r.code, 0, `aws iot ${args.join(' ')} failed: ${r.stderr}`);
      return r.json as Record<string, unknown>;
    },
    async fails(...args: string[]): Promise<string> {
      const r = await awsCli(endpointUrl(), ['iot', ...args]);
      assert.notEqual(r.code, 0, `aws iot ${args.join(' ')} should have failed`);
      return r.stderr;
    },
  };
}
