/**
 * What a device needs to reach an IoT Core, as the dashboard works it out once (lib/onboarding/root-ca.ts) and
 * every bundle writer carries it (single onboarding, bulk jobs, the browser-signed fleet zip): which IoT Core, its
 * endpoint and port, and the root CA to trust. Pure types.
 */

/** The root CA a device trusts, as it goes into a bundle. */
export interface RootCaFile {
  /** AmazonRootCA1.pem in AWS mode (see amazonRootCa()); the local IoT Core's root in local mode. */
  fileName: string;
  pem: string;
  /** One sentence for the README: what this certificate is. */
  description: string;
}

export interface DeviceConnection {
  mode: 'aws' | 'local';
  region: string;
  /** iot:Data-ATS host (abc123-ats.iot.eu-west-1.amazonaws.com), or localhost for the local IoT Core. */
  endpoint: string;
  /** 8883 (MQTT over TLS); 443 is written with ALPN x-amzn-mqtt-ca where a tool needs it. */
  port: number;
  rootCa: RootCaFile;
}
