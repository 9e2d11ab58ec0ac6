import { z } from 'zod';
import { errorStatus } from '../../errors';
import { DEFAULT_QUOTAS } from '../../faults';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/**
 * Admin routes under `/_emulator/`, a prefix no AWS API uses. They are how tests (and curious users)
 * inject faults and turn on AWS's rate quotas:
 *
 *   GET    /_emulator/health                 -> { status, region, accountId, ports }             (open)
 *   GET    /_emulator/root-ca.pem            -> the emulator's root CA (what bundles trust)      (open)
 *   GET    /_emulator/clients                -> { clientIds: [...] } connected to the broker now
 *   GET    /_emulator/faults                 -> { faults: [...] }
 *   POST   /_emulator/faults  { operation, error?, message?, count? | probability? }   adds one rule
 *   DELETE /_emulator/faults                 -> clears every rule
 *   GET    /_emulator/quotas                 -> { rates }
 *   PUT    /_emulator/quotas  { rates?: { CreateThing: 100, ... }, defaults?: true }  replaces the rates
 *   DELETE /_emulator/quotas                 -> no quotas
 *
 * Every route needs the admin token (`Authorization: Bearer <token>`, the token from `<dataDir>/admin-token`;
 * http/admin-token.ts) except the two marked open, which hold nothing secret and change nothing: health is
 * the emulator's configuration as any client already sees it (region, account id, ports), and the root CA is
 * public material, the certificate every device bundle carries (the role Amazon Root CA 1 plays on AWS), which
 * the dashboard and device tooling fetch without credentials. The client list stays behind the token: it names
 * the devices connected now.
 */
const faultRule = z
  .object({
    operation: z.string().min(1),
    error: z
      .string()
      .refine((e) => errorStatus(e, '*') !== undefined, 'must be an AWS IoT exception name')
      .optional(),
    message: z.string().max(1000).optional(),
    count: z.number().int().positive().optional(),
    probability: z.number().gt(0).lte(1).optional(),
  })
  .refine((r) => !(r.count !== undefined && r.probability !== undefined), 'give count or probability, not both');

const quotaBody = z.object({
  defaults: z.boolean().optional(),
  rates: z.record(z.string().min(1), z.number().positive()).optional(),
});

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/_emulator/health',
    open: true,
    handler: (_req, ctx) =>
      ok({
        status: 'ok',
        region: ctx.config.region,
        accountId: ctx.config.accountId,
        httpPort: ctx.config.httpPort,
        mqttPort: ctx.config.mqttPort,
      }),
  },
  {
    method: 'GET',
    path: '/_emulator/root-ca.pem',
    open: true,
    handler: (_req, ctx) => ({ raw: ctx.pki.root.certificatePem + '\n', contentType: 'application/x-pem-file' }),
  },
  {
    method: 'GET',
    path: '/_emulator/clients',
    handler: (_req, ctx) => ok({ clientIds: ctx.connectedClientIds().sort() }),
  },
  { method: 'GET', path: '/_emulator/faults', handler: (_req, ctx) => ok({ faults: ctx.faults.rulesNow() }) },
  {
    method: 'POST',
    path: '/_emulator/faults',
    handler: (req, ctx) => {
      ctx.faults.add(parseInput(faultRule, req.json()));
      return ok({ faults: ctx.faults.rulesNow() });
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    handler: (_req, ctx) => {
      ctx.faults.clear();
      return ok({ faults: [] });
    },
  },
  { method: 'GET', path: '/_emulator/quotas', handler: (_req, ctx) => ok({ rates: ctx.quotas.current() }) },
  {
    method: 'PUT',
    path: '/_emulator/quotas',
    handler: (req, ctx) => {
      const body = parseInput(quotaBody, req.json());
      ctx.quotas.set({ ...(body.defaults ? DEFAULT_QUOTAS : {}), ...body.rates });
      return ok({ rates: ctx.quotas.current() });
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/quotas',
    handler: (_req, ctx) => {
      ctx.quotas.set(null);
      return ok({ rates: {} });
    },
  },
];
