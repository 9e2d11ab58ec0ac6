/**
 * `npm run device -- <bundle.zip | folder> [--interval S] [--count N] [--once] [--duration S]`
 * `npm run device -- --claim <claim bundle> [--template NAME] --param SerialNumber=X [--count N] [--csr] [...]`
 *
 * A device simulator that uses a credential bundle exactly as firmware would: mutual TLS to the bundle's endpoint
 * with client id = thing name, telemetry on the bundle's topic every few seconds, the shadow reported, desired
 * changes applied and reported back. `--count N` runs N devices from a bulk zip (one folder per device).
 * With `--claim`, each device first provisions itself by fleet provisioning (lib/device/fleet.ts), keeps the
 * credentials it got under --out, and then runs as above with them.
 *
 * Exit codes: 0 done; 1 a device could not provision, connect or publish; 2 bad arguments or an unreadable bundle.
 */
import path from 'node:path';
import { ClaimBundleError } from '../lib/bundle/claim-bundle';
import { BundleError, readDevices, type DeviceBundle } from '../lib/device/bundle';
import { readClaim } from '../lib/device/claim-source';
import { provisionFleet } from '../lib/device/fleet';
import { DeviceError, SimulatedDevice } from '../lib/device/simulator';

const USAGE = `Usage: npm run device -- <bundle.zip | folder> [options]
       npm run device -- --claim <claim bundle.zip | folder> --param SerialNumber=X [options]

  --interval S   seconds between telemetry messages (default 5)
  --count N      run N devices from a bulk zip or folder (default 1); with --claim, provision N devices
  --once         connect, publish one telemetry message, report the shadow once, exit
  --duration S   stop after S seconds (default: until Ctrl-C)
  --help         this text

Fleet provisioning (--claim):
  --template NAME  the provisioning template (default: the one the claim bundle names)
  --param K=V      a RegisterThing parameter (repeat for more); with --count, {i} in V is the device's number,
                   otherwise the first parameter gets -1, -2, ... appended
  --csr            make each device's key here and send a CSR (CreateCertificateFromCsr) instead of
                   CreateKeysAndCertificate
  --cbor           speak the CBOR flavour of the fleet provisioning API (default JSON)
  --out DIR        where each device keeps its credentials, DIR/<thing>/ (default .data/devices)`;

interface Args {
  target: string | undefined;
  intervalMs: number;
  count: number | undefined;
  once: boolean;
  durationMs: number | undefined;
  claim:
    | { path: string; template?: string; params: Record<string, string>; csr: boolean; cbor: boolean; out: string }
    | undefined;
}

class UsageError extends Error {}

function positiveNumber(flag: string, value: string | undefined, integer = false): number {
  const n = Number(value);
  if (
    value === undefined ||
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n <= 0 ||
    (integer && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `${flag} needs a positive ${integer ? 'whole number' : 'number'}${value === undefined ? '' : `, not "${value}"`}.`,
    );
  }
  return n;
}

export function parseArgs(argv: string[]): Args | 'help' {
  let target: string | undefined;
  let intervalMs = 5000;
  let count: number | undefined;
  let once = false;
  let durationMs: number | undefined;
  let claimPath: string | undefined;
  let template: string | undefined;
  const params: Record<string, string> = {};
  let csr = false;
  let cbor = false;
  let out: string | undefined;
  const claimOnly: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    const text = (what: string) => {
      const v = value();
      if (v === undefined || v === '') throw new UsageError(`${flag} needs ${what}.`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--interval':
        intervalMs = Math.max(100, positiveNumber('--interval', value()) * 1000);
        break;
      case '--count':
        count = positiveNumber('--count', value(), true);
        break;
      case '--duration':
        durationMs = positiveNumber('--duration', value()) * 1000;
        break;
      case '--once':
        once = true;
        break;
      case '--claim':
        claimPath = text('the claim bundle (a zip or folder)');
        break;
      case '--template':
        template = text('a provisioning template name');
        claimOnly.push(flag);
        break;
      case '--param': {
        const pair = text('NAME=VALUE');
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`--param needs NAME=VALUE, not "${pair}".`);
        params[pair.slice(0, eq)] = pair.slice(eq + 1);
        claimOnly.push(flag);
        break;
      }
      case '--csr':
        csr = true;
        claimOnly.push(flag);
        break;
      case '--cbor':
        cbor = true;
        claimOnly.push(flag);
        break;
      case '--out':
        out = text('a folder');
        claimOnly.push(flag);
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
        if (target !== undefined) throw new UsageError(`One bundle at a time: got "${target}" and "${arg}".`);
        target = arg;
    }
  }
  if (claimPath !== undefined) {
    if (target !== undefined) throw new UsageError('Give either a credential bundle or --claim, not both.');
    return {
      target,
      intervalMs,
      count,
      once,
      durationMs,
      claim: { path: claimPath, template, params, csr, cbor, out: out ?? path.join('.data', 'devices') },
    };
  }
  if (claimOnly.length) throw new UsageError(`${claimOnly[0]} is for fleet provisioning: give --claim too.`);
  if (!target)
    throw new UsageError(
      'Give the credential bundle: a zip downloaded from the dashboard, or the folder it unpacks to.',
    );
  return { target, intervalMs, count, once, durationMs, claim: undefined };
}

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }

  let bundles: DeviceBundle[];
  let wanted: number;
  try {
    if (args.claim) {
      const loaded = await provisionedBundles(args, args.claim);
      if (loaded === undefined) return 1;
      bundles = loaded;
      wanted = bundles.length;
    } else {
      bundles = readDevices(args.target!);
      wanted = args.count ?? 1;
    }
  } catch (err) {
    // An unreadable bundle, or a trusted-user claim past its five minutes.
    if (err instanceof BundleError || err instanceof ClaimBundleError || err instanceof DeviceError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (wanted > bundles.length) {
    console.error(
      `${args.target} holds ${bundles.length} device${bundles.length === 1 ? '' : 's'}, fewer than --count ${wanted}.`,
    );
    return 2;
  }
  if (!args.claim && args.count === undefined && bundles.length > 1) {
    log(`${args.target} holds ${bundles.length} devices; running the first (--count ${bundles.length} runs them all).`);
  }
  const devices = bundles
    .slice(0, wanted)
    .map((b) => new SimulatedDevice(b, { intervalMs: args.intervalMs, once: args.once, log }));

  let stopping = false;
  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(why);
    await Promise.all(devices.map((d) => d.stop()));
  };

  if (args.once) {
    const results = await Promise.allSettled(
      devices.map(async (d) => {
        try {
          await d.connect();
          await d.runOnce();
        } finally {
          await d.stop();
        }
      }),
    );
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`[${devices[i]!.bundle.thingName}] ${describe(r.reason)}`] : [],
    );
    for (const f of failures) console.error(f);
    log(
      `${devices.length - failures.length} of ${devices.length} device${devices.length === 1 ? '' : 's'} connected, published and reported.`,
    );
    return failures.length ? 1 : 0;
  }

  let exitCode = 0;
  const done = new Promise<void>((resolve) => {
    process.once('SIGINT', () => void stopAll('Ctrl-C: disconnecting.').then(resolve));
    process.once('SIGTERM', () => void stopAll('Stopping: disconnecting.').then(resolve));
    if (args.durationMs !== undefined) {
      setTimeout(
        () => void stopAll(`${args.durationMs! / 1000} s elapsed: disconnecting.`).then(resolve),
        args.durationMs,
      ).unref();
    }
  });
  const started = await Promise.allSettled(
    devices.map(async (d) => {
      await d.connect();
      await d.run();
    }),
  );
  started.forEach((r, i) => {
    if (r.status === 'rejected') {
      exitCode = 1;
      console.error(`[${devices[i]!.bundle.thingName}] ${describe(r.reason)}`);
      void devices[i]!.stop();
    }
  });
  if (started.every((r) => r.status === 'rejected')) {
    await stopAll('No device could connect.');
    return 1;
  }
  await done;
  return exitCode;
}

/** --claim: each device provisions itself and keeps its credentials; undefined when none could. */
async function provisionedBundles(args: Args, claim: NonNullable<Args['claim']>): Promise<DeviceBundle[] | undefined> {
  const bundle = readClaim(claim.path);
  const templateName = claim.template ?? bundle.config.templateName;
  const count = args.count ?? 1;
  log(`${count} device${count === 1 ? '' : 's'} provisioning through template ${templateName} from ${bundle.source}`);
  const { bundles, failures } = await provisionFleet(bundle, {
    templateName,
    parameters: claim.params,
    count,
    csr: claim.csr,
    format: claim.cbor ? 'cbor' : 'json',
    outDir: claim.out,
    log,
  });
  for (const f of failures) console.error(f);
  log(`${bundles.length} of ${count} device${count === 1 ? '' : 's'} provisioned.`);
  return bundles.length ? bundles : undefined;
}

function describe(err: unknown): string {
  if (err instanceof DeviceError || err instanceof BundleError || err instanceof ClaimBundleError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
