import type { MessageBus } from './broker/bus';
import type { EmulatorConfig } from './config';
import type { FaultInjector, RateQuotas } from './faults';
import type { Authority } from './pki/authority';
import type { Store } from './store/store';

/** Everything a handler may use: configuration, state, the emulator's CA, and the fault switches. */
export interface EmulatorContext {
  config: EmulatorConfig;
  store: Store;
  pki: Authority;
  faults: FaultInjector;
  quotas: RateQuotas;
  /** Publishes into the MQTT broker and listens to what it accepts. */
  bus: MessageBus;
  /** The client ids connected to the broker now (set once the broker is up). */
  connectedClientIds(): string[];
  /** Wall clock in epoch milliseconds; one place so tests could pin it. */
  now(): number;
}
