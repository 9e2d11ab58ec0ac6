import { z } from 'zod';
import { invalidRequest } from '../../errors';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/**
 * The endpoint types DescribeEndpoint knows. On AWS each is its own host name under the account's prefix
 * (`{prefix}-ats.iot.{region}.amazonaws.com`, `{prefix}.credentials.iot...`, `{prefix}.jobs.iot...`); here
 * they are all this machine, so each answers with the configured endpoint host. The address never changes.
 */
export const ENDPOINT_TYPES = ['iot:Data', 'iot:Data-ATS', 'iot:CredentialProvider', 'iot:Jobs'] as const;

const query = z.object({ endpointType: z.string().max(128).optional() });

export const endpointRoutes: Route[] = [
  {
    method: 'GET',
    path: '/endpoint',
    operation: 'DescribeEndpoint',
    handler: (req, ctx) => {
      // Without endpointType AWS answers with the legacy iot:Data endpoint.
      const { endpointType = 'iot:Data' } = parseInput(query, req.queryObject());
      // Matched exactly as documented; whether AWS also accepts other spellings ("iot:data-ats") is not known.
      if (!(ENDPOINT_TYPES as readonly string[]).includes(endpointType)) {
        throw invalidRequest(
          `Endpoint type ${endpointType.slice(0, 128)} is not valid. Valid types are: ${ENDPOINT_TYPES.join(', ')}.`,
        );
      }
      if (endpointType === 'iot:CredentialProvider') {
        // The credentials provider has a port of its own here (AWS's is 443): the address carries it, so
        // `https://<address>/role-aliases/...` reaches it as AWS's address does.
        const port = ctx.config.credentialsPort;
        return ok({ endpointAddress: port === 443 ? ctx.config.endpointHost : `${ctx.config.endpointHost}:${port}` });
      }
      return ok({ endpointAddress: ctx.config.endpointHost });
    },
  },
];
