import { awsName, awsNameProblem } from '../validation/messages';

/**
 * The policy-name field: AWS IoT's rule (lib/validation/iot-names.ts `policyName`, shared with the
 * emulator) with the plain words of lib/validation/messages.ts instead of the service's "Member must satisfy ...".
 */
export function policyNameProblem(value: string): string | undefined {
  return awsNameProblem('policyName', value);
}

export const policyNameInput = awsName('policyName');
