import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { resolveConfig, type EmulatorConfig, type EmulatorOptions } from './config';
import type { EmulatorContext } from './context';
import { DEFAULT_QUOTAS, FaultInjector, RateQuotas } from './faults';
import { loadOrCreateAdminToken } from './http/admin-token';
import { allRoutes } from './http/routes';
import { operationNames, Router } from './http/router';
import { createHttpServer } from './http/server';
import { startBroker, type Broker } from './broker';
import { BrokerBus } from './broker/bus-impl';
import { type CredentialsServer, startCredentialsServer } from './credentials/server';
import { loadOrCreateServerIdentity } from './broker/server-identity';
import { trackConnectivity } from './iot/connectivity';
import { initIndexing } from './iot/indexing';
import { onUnregisteredCertificate } from './iot/jit';
import { attachFleetProvisioning } from './provisioning/fleet/service';
import { attachShadowTopics } from './shadow/service';
import { loadOrCreateAuthority } from './pki/authority';
import { Store } from './store/store';

export type { EmulatorOptions } from './config';

export interface Emulator {
  /**
   * `http`: control plane, data plane, admin routes and MQTT over WebSocket at /mqtt; `mqtt`: MQTT over mutual
   * TLS; `credentialsProvider`: the credentials provider (HTTPS, mutual TLS).
   */
  urls: { http: string; mqtt: string; mqttWebSocket: string; credentialsProvider: string };
  /** The root CA clients must trust to verify the broker (also at `<dataDir>/root-ca.pem`). */
  rootCaPem: string;
  /** What the admin routes under /_emulator/ need as `Authorization: Bearer` (also in `<dataDir>/admin-token`). */
  adminToken: string;
  broker: Broker;
  config: EmulatorConfig;
  /** For tests in the same process: the live state, the fault switches and quotas. */
  context: EmulatorContext;
  close(): Promise<void>;
}

/** Starts a local AWS IoT Core. Options default as `npm run emulator` does; port 0 picks a free port. */
export async function createEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const config = resolveConfig(opts);
  const store = new Store(config.dataDir ? `${config.dataDir}/state` : undefined, config.snapshotEvery);
  // Fault rules and quotas may name only operations the route table serves.
  const operations = operationNames(allRoutes);
  const quotas = new RateQuotas(undefined, operations);
  if (config.enforceQuotas) quotas.set(DEFAULT_QUOTAS);
  const bus = new BrokerBus();
  const pki = await loadOrCreateAuthority(config.dataDir);
  const context: EmulatorContext = {
    config,
    store,
    pki,
    faults: new FaultInjector(operations),
    quotas,
    bus,
    connectedClientIds: () => [],
    now: () => Date.now(),
  };
  if (config.dataDir) {
    // Where bundles and clients find the root to trust, as they would find Amazon Root CA 1.
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(path.join(config.dataDir, 'root-ca.pem'), pki.root.certificatePem + '\n');
  }

  const identity = await loadOrCreateServerIdentity(pki, config.dataDir, config.endpointHost);
  const broker = await startBroker(context, {
    host: config.host,
    port: config.mqttPort,
    identity,
    bus,
    onUnregistered: onUnregisteredCertificate,
    sessionExpirySeconds: config.sessionExpirySeconds,
  });
  config.mqttPort = broker.port;
  context.connectedClientIds = () => broker.connectedClientIds();
  attachShadowTopics(context);
  initIndexing(context);
  const stopConnectivity = trackConnectivity(context);
  const stopFleetProvisioning = attachFleetProvisioning(context);

  const adminToken = loadOrCreateAdminToken(config.dataDir);
  const server = createHttpServer(new Router(allRoutes), context, adminToken);
  broker.attachWebSocket(server);
  let credentials: CredentialsServer | undefined;
  try {
    credentials = await startCredentialsServer(context, { host: config.host, port: config.credentialsPort, identity });
    config.credentialsPort = credentials.port;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpPort, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await credentials?.close();
    stopFleetProvisioning();
    await broker.close();
    store.close();
    throw err;
  }
  config.httpPort = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closed: Promise<void> | undefined;
  return {
    urls: {
      http: `http://${host}:${config.httpPort}`,
      mqtt: `mqtts://${host}:${config.mqttPort}`,
      mqttWebSocket: `ws://${host}:${config.httpPort}/mqtt`,
      credentialsProvider: `https://${host}:${config.credentialsPort}`,
    },
    rootCaPem: pki.root.certificatePem,
    adminToken,
    broker,
    config,
    context,
    close: () =>
      (closed ??= Promise.resolve(stopFleetProvisioning())
        .then(() => Promise.all([broker.close(), credentials.close()]))
        .then(stopConnectivity)
        .then(
          () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        )
        .then(() => store.close())),
  };
}
