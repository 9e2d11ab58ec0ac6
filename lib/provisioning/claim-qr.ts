/**
 * What the trusted-user claim's QR code says to an installer's app. Not the claim itself: its RSA key and
 * certificate do not fit a QR code a phone reads reliably, and a code on a screen can be photographed by anyone
 * nearby. It names where the device connects and which template it asks, when the claim expires, and a one-time
 * link to the claim bundle that only a signed-in admin session can follow (lib/provisioning/claim-handoff.ts).
 * Pure; the browser draws it.
 */
export interface ClaimQrInput {
  endpoint: string;
  port: number;
  templateName: string;
  certificateId: string;
  expiresAt: string;
  /** Absolute URL of the one-time claim bundle download. */
  bundleUrl: string;
}

export const CLAIM_QR_KIND = 'aws-iot-fleet-provisioning-claim';

export function claimQrPayload(input: ClaimQrInput): string {
  return JSON.stringify({
    kind: CLAIM_QR_KIND,
    version: 1,
    endpoint: input.endpoint,
    port: input.port,
    templateName: input.templateName,
    claimCertificateId: input.certificateId,
    expiresAt: input.expiresAt,
    bundle: input.bundleUrl,
  });
}

/** The time left until `expiresAt` as m:ss, and whether it is over. */
export function claimCountdown(expiresAt: string, now: number): { left: string; expired: boolean; seconds: number } {
  const seconds = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  return {
    seconds,
    expired: seconds === 0,
    left: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`,
  };
}
