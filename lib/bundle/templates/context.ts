/**
 * Everything a template needs, computed once from the BundleInput: normalised PEMs, the file names inside the
 * bundle folder, topics. Templates are pure functions of this.
 */
import { parseShadowTopic } from '../../mqtt/reserved-topics';
import type { DeviceConnection } from '../connection';

/** The connection fields (rootCa's PEM normalised) and everything else the templates read. */
export interface BundleContext extends DeviceConnection {
  thingName: string;
  clientId: string;
  certificateId: string;
  policyName?: string;
  createdAt?: Date;
  /** The folder every file sits in: the thing name made safe as a file name. */
  folder: string;
  topics: {
    /**
     * Where the scripts and snippets publish: the first topic the thing's policy allows it to publish to
     * (lib/policies/publish-topic.ts), `<thing>/telemetry` when no policy was read.
     */
    telemetry: string;
    shadowUpdate: string;
    shadowUpdateDelta: string;
    /** What Microchip AVR-IoT / PIC-IoT firmware publishes on: `<thing name in lowercase>/sensors`. */
    microchipSensors: string;
  };
  /** File names relative to the bundle folder. */
  files: {
    certificate: string;
    privateKey: string;
    publicKey: string;
    rootCa: string;
  };
  certificatePem: string;
  privateKeyPem?: string;
  publicKeyPem?: string;
  /** When a role alias was chosen: where and as what the device asks for AWS credentials. */
  credentialsProvider?: { endpoint: string; roleAlias: string };
}

export const CONFIG_DIR = 'config';

/** Where the scripts and snippets sit, relative to the bundle folder. */
export const PATHS = {
  readme: 'README.md',
  deviceJson: `${CONFIG_DIR}/device.json`,
  deviceEnv: `${CONFIG_DIR}/device.env`,
  mosquitto: `${CONFIG_DIR}/mosquitto.sh`,
  python: `${CONFIG_DIR}/aws-iot-device-sdk-python.py`,
  javascript: `${CONFIG_DIR}/aws-iot-device-sdk-js.js`,
  freertosCredential: `${CONFIG_DIR}/freertos/aws_clientcredential.h`,
  freertosKeys: `${CONFIG_DIR}/freertos/aws_clientcredential_keys.h`,
  sparkfun: `${CONFIG_DIR}/sparkfun-datalogger-iot.json`,
  thinEdge: `${CONFIG_DIR}/thin-edge.sh`,
  microchip: `${CONFIG_DIR}/microchip-avr-pic-iot.md`,
} as const;

export function isLocal(ctx: BundleContext): boolean {
  return ctx.mode === 'local';
}

/** "AWS IoT Core (eu-west-1)" or "the local IoT Core". */
export function targetName(ctx: BundleContext): string {
  return isLocal(ctx) ? 'the local IoT Core' : `AWS IoT Core (${ctx.region || 'region not recorded'})`;
}

/**
 * A short JSON test message the scripts publish: a reported state when the topic is the device's shadow update
 * topic (what the shadow service accepts there), otherwise a small document naming the thing.
 */
export function sampleMessage(ctx: BundleContext): string {
  const shadow = parseShadowTopic(ctx.topics.telemetry);
  if (shadow?.operation === 'update' && shadow.kind === 'request')
    return JSON.stringify({ state: { reported: { message: 'Hello from the device' } } });
  return JSON.stringify({ thingName: ctx.thingName, message: 'Hello from the device' });
}
