import type { TLSSocket } from 'node:tls';

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

import { shadowTopic } from '../mqtt/reserved-topics';
import type { DeviceBundle } from './bundle';
import { deltaFrom, mergeState, nextTemperature, reportMessage, telemetryMessage, type JsonObject } from './state';

/**
 * One simulated device: connects with its bundle over mutual TLS (client id = thing name), publishes telemetry
 * every `intervalMs`, reports its shadow, applies desired deltas and reports them back. It behaves as firmware
 * should: on connect it subscribes to its delta topic, reports its state, and asks for the shadow (shadow/get) so
 * a desired change made while it was offline is applied too.
 */

export interface DeviceOptions {
  intervalMs: number;
  /** Connect, publish one telemetry message, report the shadow once, then disconnect. */
  once?: boolean;
  log: (line: string) => void;
  /** For tests: a deterministic random source. */
  random?: () => number;
  connectTimeoutMs?: number;
}

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

const ACK_TIMEOUT_MS = 10_000;

export class SimulatedDevice {
  private client: MqttClient | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private counter = 0;
  private temperature: number;
  private reported: JsonObject;
  private stopped = false;
  private readonly random: () => number;
  private readonly prefix: string;

  constructor(
    readonly bundle: DeviceBundle,
    private readonly opts: DeviceOptions,
  ) {
    this.random = opts.random ?? Math.random;
    this.temperature = Math.round((18 + this.random() * 6) * 100) / 100;
    this.reported = { firmware: 'device-simulator', temperature: this.temperature };
    this.prefix = `[${bundle.thingName}]`;
  }

  private log(line: string) {
    this.opts.log(`${new Date().toISOString()} ${this.prefix} ${line}`);
  }

  private shadowTopic(operation: 'get', kind?: 'accepted') {
    return shadowTopic(this.bundle.thingName, undefined, operation, kind);
  }

  /** Connects; rejects with a DeviceError that says why in plain words when the broker does not accept us. */
  async connect(): Promise<void> {
    const b = this.bundle;
    const url = `mqtts://${b.endpoint}:${b.port}`;
    this.log(`connecting to ${b.endpoint}:${b.port} as client id ${b.clientId}`);
    const options: IClientOptions = {
      clientId: b.clientId,
      cert: b.certificatePem,
      key: b.privateKeyPem,
      ca: b.rootCaPem,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 0,
      ...(b.alpnProtocols ? { ALPNProtocols: b.alpnProtocols } : {}),
    };
    const client = mqtt.connect(url, options);
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      let secure = false;
      const stream = client.stream as Partial<TLSSocket> | undefined;
      stream?.once?.('secureConnect', () => {
        secure = true;
      });
      const fail = (err: DeviceError) => {
        cleanup();
        client.end(true);
        reject(err);
      };
      const onError = (err: Error & { code?: string | number }) => fail(explainConnectError(err, b, secure));
      const onClose = () =>
        fail(
          new DeviceError(
            secure
              ? `${url} accepted the TLS connection, then closed it before accepting MQTT CONNECT. ` +
                  'Either the certificate is not ACTIVE or not registered (TLS refused; AWS IoT checks it right after the handshake), ' +
                  `or the attached policies do not allow iot:Connect for client id ${b.clientId} (Connect refused by policy). ` +
                  "Run the thing's connection check in the dashboard to see which."
              : `${url} closed the connection during the TLS handshake: certificate not ACTIVE or not registered? ` +
                  'Check its status on the Certificates page, and that this bundle is for the endpoint you connect to.',
          ),
        );
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        client.off('error', onError);
        client.off('close', onClose);
        client.off('connect', onConnect);
      };
      client.on('error', onError);
      client.on('close', onClose);
      client.on('connect', onConnect);
    });
    this.log('connected');
    client.on('close', () => {
      if (!this.stopped)
        this.log(
          'connection closed by the broker (a publish or subscribe the policy does not allow ends the connection)',
        );
    });
    client.on('error', (err) => this.log(`error: ${err.message}`));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** The steady loop: subscriptions, first report, shadow/get, then telemetry every interval. */
  async run(): Promise<void> {
    const client = this.requireClient();
    const delta = this.bundle.topics.shadowUpdateDelta;
    const getAccepted = this.shadowTopic('get', 'accepted');
    const refused = await subscribe(client, [delta, getAccepted]);
    for (const filter of refused)
      this.log(`subscribe to ${filter} refused by the policy: desired changes will not reach this device`);
    if (!refused.includes(delta)) this.log(`subscribed to ${delta}`);
    await this.report(this.reported);
    if (!refused.includes(getAccepted)) await this.publish(this.shadowTopic('get'), '', 'asked for the shadow');
    await this.sendTelemetry();
    this.timer = setInterval(() => {
      void this.sendTelemetry().catch((err: Error) => this.log(`telemetry failed: ${err.message}`));
    }, this.opts.intervalMs);
  }

  /** --once: one telemetry message and one shadow report, each acknowledged (QoS 1). */
  async runOnce(): Promise<void> {
    await this.sendTelemetry();
    await this.report(this.reported);
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new DeviceError('not connected');
    return this.client;
  }

  private async publish(topic: string, payload: string, what: string): Promise<void> {
    const client = this.requireClient();
    await withTimeout(
      client.publishAsync(topic, payload, { qos: 1 }),
      ACK_TIMEOUT_MS,
      () =>
        new DeviceError(
          `no PUBACK for ${topic} within ${ACK_TIMEOUT_MS / 1000} s: does the policy allow iot:Publish on it?`,
        ),
    );
    this.log(`${what} on ${topic}: ${payload.length > 200 ? `${payload.slice(0, 200)}…` : payload || '(empty)'}`);
  }

  private async sendTelemetry(): Promise<void> {
    this.counter += 1;
    this.temperature = nextTemperature(this.temperature, this.random);
    const message = telemetryMessage(this.bundle.thingName, this.counter, this.temperature, Date.now());
    await this.publish(this.bundle.topics.telemetry, JSON.stringify(message), `telemetry #${this.counter}`);
  }

  private async report(reported: JsonObject): Promise<void> {
    await this.publish(this.bundle.topics.shadowUpdate, reportMessage(reported), 'reported shadow');
  }

  private onMessage(topic: string, payload: Buffer) {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log(`ignored a message on ${topic} that is not JSON`);
      return;
    }
    const kind =
      topic === this.bundle.topics.shadowUpdateDelta
        ? 'delta'
        : topic === this.shadowTopic('get', 'accepted')
          ? 'get-accepted'
          : undefined;
    if (!kind) return;
    const delta = deltaFrom(body, kind);
    if (!delta || Object.keys(delta).length === 0) return;
    this.log(`desired change received: ${JSON.stringify(delta)}`);
    this.reported = mergeState(this.reported, delta);
    void this.report(delta).catch((err: Error) => this.log(`reporting the change failed: ${err.message}`));
  }

  /** Stops the loop and disconnects cleanly (MQTT DISCONNECT), safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await withTimeout(client.endAsync(), 3000, () => new DeviceError('disconnect timed out')).catch(() =>
        client.end(true),
      );
      this.log('disconnected');
    } else client.end(true);
  }
}

/** Subscribes; returns the filters the broker refused (SUBACK 0x80). */
async function subscribe(client: MqttClient, filters: string[]): Promise<string[]> {
  try {
    const granted = await withTimeout(
      client.subscribeAsync(filters, { qos: 1 }),
      ACK_TIMEOUT_MS,
      () => new DeviceError('no SUBACK'),
    );
    return granted.filter((g) => g.qos === 128).map((g) => g.topic);
  } catch (err) {
    const codes = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (codes) return filters.filter((_, i) => codes[i] === 128);
    throw err;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Plain words for what went wrong before CONNACK. */
export function explainConnectError(
  err: Error & { code?: string | number },
  b: Pick<DeviceBundle, 'endpoint' | 'port' | 'clientId'>,
  tlsDone: boolean,
): DeviceError {
  const where = `${b.endpoint}:${b.port}`;
  const code = err.code;
  if (code === 5 || code === 135 || /not authori[sz]ed/i.test(err.message)) {
    return new DeviceError(
      `Connect refused by policy: the policies attached to this certificate do not allow iot:Connect for client id ${b.clientId}. ` +
        'Attach a policy that allows it (the dashboard\u2019s thing-scoped template does).',
    );
  }
  if (code === 'ECONNREFUSED')
    return new DeviceError(
      `Nothing accepts connections at ${where} (ECONNREFUSED): is the endpoint and port right, and the broker running?`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new DeviceError(`Cannot resolve ${b.endpoint} (${code}): check the endpoint in config/device.json.`);
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code)) {
    return new DeviceError(
      `The server at ${where} is not the one the bundle's root CA vouches for (${code}): this bundle is for a different IoT Core endpoint.`,
    );
  }
  if (!tlsDone || (typeof code === 'string' && /SSL|EPROTO|ECONNRESET/.test(code))) {
    return new DeviceError(
      `TLS refused by ${where} (${code ?? err.message}): certificate not ACTIVE or not registered?`,
    );
  }
  return new DeviceError(`Could not connect to ${where}: ${err.message}`);
}
