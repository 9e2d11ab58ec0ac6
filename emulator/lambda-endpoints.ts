/**
 * Where the emulator's stand-in Lambda functions live. AWS IoT invokes a Lambda function for a provisioning
 * template's pre-provisioning hook; the local IoT Core has no Lambda, so each function ARN a hook may name is
 * mapped to an HTTP endpoint the developer runs, which receives AWS's hook payload as a JSON POST and answers
 * as the function would (see emulator/provisioning/fleet/hook.ts).
 *
 * Configured as an option (`lambdaEndpoints: { [functionArn]: url }`) or, for `npm run emulator`, in
 * IOT_EMULATOR_LAMBDA_ENDPOINTS: `arn=url` pairs separated by commas or white space, e.g.
 * `arn:aws:lambda:us-east-1:123456789012:function:hook=http://127.0.0.1:9000/hook`.
 */

/** A Lambda function ARN, optionally with a version or alias qualifier (what AWS's targetArn names). */
export const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]{1,64}(:[\w$-]{1,128})?$/;

/** Checks the mapping: every key a function ARN, every value an http(s) URL. */
export function checkLambdaEndpoints(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [arn, url] of Object.entries(map)) {
    if (!LAMBDA_FUNCTION_ARN.test(arn)) {
      throw new Error(
        `lambdaEndpoints: "${arn}" is not a Lambda function ARN (arn:aws:lambda:region:account:function:name).`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`lambdaEndpoints: the endpoint for ${arn} is not a URL: "${url}".`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`lambdaEndpoints: the endpoint for ${arn} must be http:// or https://, not ${parsed.protocol}`);
    }
    out[arn] = parsed.toString();
  }
  return out;
}

/** Reads IOT_EMULATOR_LAMBDA_ENDPOINTS: `arn=url` pairs separated by commas or white space. */
export function parseLambdaEndpoints(text: string | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) {
      throw new Error(`IOT_EMULATOR_LAMBDA_ENDPOINTS: "${pair}" is not arn=url.`);
    }
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return checkLambdaEndpoints(map);
}
