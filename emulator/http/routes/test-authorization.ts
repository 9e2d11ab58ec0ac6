import { z } from 'zod';
import { policyName } from '../../../lib/validation/iot-names';
import { AUTH_ACTION_TYPES, testAuthorization } from '../../iot/test-authorization';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/** TestAuthorization (POST /test-authorization?clientId=...); the evaluation is in emulator/iot/test-authorization.ts. */

const body = z.object({
  principal: z.string().min(1).max(2048).optional(),
  cognitoIdentityPoolId: z.string().optional(),
  authInfos: z
    .array(
      z.object({
        actionType: z.enum(AUTH_ACTION_TYPES).optional(),
        resources: z.array(z.string().max(2048)),
      }),
    )
    .min(1, 'Member must have length greater than or equal to 1')
    .max(10, 'Member must have length less than or equal to 10'),
  policyNamesToAdd: z.array(policyName).optional(),
  policyNamesToSkip: z.array(policyName).optional(),
});
const query = z.object({ clientId: z.string().max(128).optional() });

export const testAuthorizationRoutes: Route[] = [
  {
    method: 'POST',
    path: '/test-authorization',
    operation: 'TestAuthorization',
    handler: (req, ctx) => {
      const input = parseInput(body, req.json());
      const { clientId } = parseInput(query, req.queryObject());
      return ok({ authResults: testAuthorization(ctx, { ...input, clientId }) });
    },
  },
];
