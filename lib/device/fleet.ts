import { randomUUID } from 'node:crypto';

import { mapLimited } from '../async/map-limited';
import { type ClaimBundle, claimExpired } from '../bundle/claim-bundle';
import type { ProvisioningPayloadFormat } from '../mqtt/reserved-topics';
import type { DeviceBundle } from './bundle';
import { keepCredentials } from './keep';
import { provisionByClaim } from './provision';
import { DeviceError } from './simulator';

/**
 * `npm run device -- --claim ...`: N devices provision themselves from one claim bundle, each keeping its own
 * credentials, ready to connect as themselves. With --count N, `{i}` in a parameter value is the device's number
 * (1..N); when no value has one, the first parameter gets `-{i}` appended so every device asks for its own thing.
 */

export interface FleetOptions {
  templateName: string;
  parameters: Record<string, string>;
  count: number;
  csr: boolean;
  format: ProvisioningPayloadFormat;
  /** Where each device keeps its credentials: `<outDir>/<thing>/`. */
  outDir: string;
  log: (line: string) => void;
  /** Devices provisioning at once. */
  concurrency?: number;
}

export interface FleetResult {
  bundles: DeviceBundle[];
  failures: string[];
}

/** Each device's parameters, numbered as the header says. */
export function deviceParameters(parameters: Record<string, string>, count: number): Record<string, string>[] {
  const names = Object.keys(parameters);
  const numbered = names.some((n) => parameters[n]!.includes('{i}'));
  return Array.from({ length: count }, (_, k) => {
    const i = String(k + 1);
    const out: Record<string, string> = {};
    for (const [n, v] of Object.entries(parameters)) out[n] = v.replaceAll('{i}', i);
    if (count > 1 && !numbered && names.length > 0) out[names[0]!] = `${out[names[0]!]}-${i}`;
    return out;
  });
}

export async function provisionFleet(claim: ClaimBundle, opts: FleetOptions): Promise<FleetResult> {
  if (claimExpired(claim.config)) {
    throw new DeviceError(
      `${claim.source}: this trusted-user claim expired at ${claim.config.expiresAt} (claims are good for five minutes). Ask for a new one.`,
    );
  }
  const failures: string[] = [];
  const results = await mapLimited(
    deviceParameters(opts.parameters, opts.count),
    opts.concurrency ?? 8,
    async (parameters) => {
      const label = Object.values(parameters)[0] ?? 'device';
      const log = (line: string) => opts.log(`${new Date().toISOString()} [${label}] ${line}`);
      try {
        const device = await provisionByClaim(claim, {
          templateName: opts.templateName,
          parameters,
          csr: opts.csr,
          format: opts.format,
          clientId: `claim-${randomUUID()}`,
          log,
        });
        const bundle = keepCredentials(opts.outDir, device, claim);
        log(`credentials kept in ${bundle.source} (private key 0600)`);
        return bundle;
      } catch (err) {
        failures.push(`[${label}] ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    },
  );
  return { bundles: results.filter((b): b is DeviceBundle => b !== undefined), failures };
}
