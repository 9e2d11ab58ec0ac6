/**
 * `npm run bench`: every benchmark, each printed beside the stored baseline.
 *   npm run bench                    all suites
 *   npm run bench -- emulator        one suite
 *   npm run bench -- --quick         fewer iterations (a smoke run)
 *   npm run bench -- --save-baseline store this run as the baseline
 */
import { benchEmulator } from './emulator';
import { benchOnboarding } from './onboarding';
import { benchThingsList } from './things-list';
import { benchMqttClient } from './mqtt-client';
import { benchCaSigning } from './ca-signing';
import { benchBulk } from './bulk';
import { benchBroker } from './broker';
import { benchAudit } from './audit';
import { benchBulkStores } from './bulk-stores';
import { benchFleetProvisioning } from './fleet-provisioning';
import { loadBaseline, printReport, saveBaseline, type Figure } from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const suites: Record<string, { title: string; run: (o: { quick: boolean }) => Promise<Figure[]> }> = {
  emulator: { title: 'Local IoT Core control plane (durability on)', run: benchEmulator },
  onboarding: {
    title: 'One-device onboarding, local mode, end to end (server actions in-process)',
    run: benchOnboarding,
  },
  things: { title: 'Things list with 10,000 things (dashboard server time)', run: benchThingsList },
  mqtt: { title: 'MQTT test client in headless Chromium (2,000 and 20,000 msg/s)', run: benchMqttClient },
  ca: { title: 'CA path: device certificates signed in headless Chromium', run: benchCaSigning },
  bulk: { title: 'Bulk onboarding: job runner vs the sequential AWS CLI script; AWS default quotas', run: benchBulk },
  broker: {
    title: 'MQTT broker vs mosquitto in the same run (mutual TLS, policy / ACL on every message)',
    run: benchBroker,
  },
  fleet: {
    title: 'Fleet provisioning: 1,000 devices by claim at concurrency 32 (emulator in its own process)',
    run: benchFleetProvisioning,
  },
  audit: {
    title: 'Audit trail with 100,000 events (server time) and the sign-in round trip, PGlite vs PostgreSQL',
    run: benchAudit,
  },
  'bulk-stores': {
    title: 'Bulk job devices/s: the previous journal store vs the database (PGlite, PostgreSQL) in one run',
    run: benchBulkStores,
  },
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
const unknown = chosen.filter((c) => !(c in suites));
if (unknown.length) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
const baseline = loadBaseline();
const all: Figure[] = [];
for (const name of chosen.length ? chosen : Object.keys(suites)) {
  const suite = suites[name]!;
  const figures = await suite.run({ quick });
  printReport(suite.title, figures, baseline);
  all.push(...figures);
}
if (args.includes('--save-baseline')) {
  saveBaseline(all);
  console.log('\nSaved as the new baseline (bench/baseline.json).');
}
