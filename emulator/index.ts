import type { AddressInfo } from 'node:net';
import { resolveConfig, type EmulatorConfig, type EmulatorOptions } from './config';
import type { EmulatorContext } from './context';
import { DEFAULT_QUOTAS, FaultInjector, RateQuotas } from './faults';
import { allRoutes } from './http/routes';
import { Router } from './http/router';
import { createHttpServer } from './http/server';
import { loadOrCreateAuthority } from './pki/authority';
import { Store } from './store/store';

export type { EmulatorOptions } from './config';

export interface Emulator {
  urls: { http: string };
  config: EmulatorConfig;
  /** For tests in the same process: the live state, the fault switches and quotas. */
  context: EmulatorContext;
  close(): Promise<void>;
}

/** Starts a local AWS IoT Core. Options default as `npm run emulator` does; port 0 picks a free port. */
export async function createEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const config = resolveConfig(opts);
  const store = new Store(config.dataDir ? `${config.dataDir}/state` : undefined, config.snapshotEvery);
  const quotas = new RateQuotas();
  if (config.enforceQuotas) quotas.set(DEFAULT_QUOTAS);
  const context: EmulatorContext = {
    config,
    store,
    pki: await loadOrCreateAuthority(config.dataDir),
    faults: new FaultInjector(),
    quotas,
    now: () => Date.now(),
  };

  const server = createHttpServer(new Router(allRoutes), context);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  config.httpPort = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closed: Promise<void> | undefined;
  return {
    urls: { http: `http://${host}:${config.httpPort}` },
    config,
    context,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => store.close())),
  };
}
