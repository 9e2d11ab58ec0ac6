import type { EmulatorContext } from '../../context';
import { type HookInput, type HookInvoker, ProvisioningRejection } from '../../iot/fleet-provisioning';

/**
 * Pre-provisioning hooks (AWS IoT developer guide, "Pre-provisioning hooks"). AWS invokes the template's Lambda
 * function with `{claimCertificateId, certificateId, certificatePem, templateArn, clientId, parameters}` and
 * provisions only if it answers `"allowProvisioning": true`, adding its `parameterOverrides` to the device's
 * parameters. A function that fails, times out (5 s) or does not allow it fails the request with ACCESS_DENIED.
 *
 * The local IoT Core has no Lambda: it POSTs the same payload as JSON to the HTTP endpoint configured for the
 * function's ARN (emulator/lambda-endpoints.ts) and reads the function's answer from the response body. An ARN
 * with no endpoint configured is a function that cannot be invoked: ACCESS_DENIED, and the log says which ARN.
 */

export const HOOK_TIMEOUT_MS = 5000;

export interface HookPayload {
  claimCertificateId: string;
  certificateId: string;
  certificatePem: string;
  templateArn: string;
  clientId: string;
  parameters: Record<string, string>;
}

const denied = (message: string) => new ProvisioningRejection('AccessDenied', message);

export function lambdaHookInvoker(ctx: EmulatorContext): HookInvoker {
  return async (input: HookInput) => {
    const hook = input.template.preProvisioningHook!;
    const log = (why: string) =>
      ctx.config.log(
        `fleet provisioning: pre-provisioning hook ${hook.targetArn} of ${input.template.templateName}: ${why}`,
      );
    const url = ctx.config.lambdaEndpoints[hook.targetArn];
    if (!url) {
      log('no endpoint is configured for this function (lambdaEndpoints / IOT_EMULATOR_LAMBDA_ENDPOINTS)');
      throw denied('The pre-provisioning hook could not be invoked.');
    }
    const payload: HookPayload = {
      claimCertificateId: input.claimCertificateId,
      certificateId: input.certificate.certificateId,
      certificatePem: input.certificate.certificatePem,
      templateArn: input.template.templateArn,
      clientId: input.clientId,
      parameters: input.parameters,
    };
    let answer: unknown;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) {
        log(`the function failed (HTTP ${res.status})`);
        throw denied('The pre-provisioning hook failed.');
      }
      answer = JSON.parse(text);
    } catch (e) {
      if (e instanceof ProvisioningRejection) throw e;
      log(
        `the function could not be invoked or did not answer JSON within ${HOOK_TIMEOUT_MS} ms: ${(e as Error).message}`,
      );
      throw denied('The pre-provisioning hook failed.');
    }
    return readAnswer(answer, log);
  };
}

/** `allowProvisioning` true (or "true", as the guide's note writes it); overrides a map of strings. */
function readAnswer(answer: unknown, log: (why: string) => void): Record<string, string> {
  const body = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
  const allow = body.allowProvisioning;
  if (allow !== true && !(typeof allow === 'string' && allow.toLowerCase() === 'true')) {
    log(`the function did not allow provisioning (allowProvisioning: ${JSON.stringify(allow)})`);
    throw denied('The pre-provisioning hook did not allow provisioning.');
  }
  const raw = body.parameterOverrides ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    log('parameterOverrides is not an object of names and values');
    throw denied('The pre-provisioning hook returned an invalid response.');
  }
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      Object.defineProperty(overrides, k, { value: String(v), enumerable: true, writable: true, configurable: true });
    } else {
      log(`parameterOverrides.${k} is not a string`);
      throw denied('The pre-provisioning hook returned an invalid response.');
    }
  }
  return overrides;
}
