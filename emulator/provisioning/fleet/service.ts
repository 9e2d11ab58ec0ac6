/**
 * The fleet provisioning MQTT API as a service on the broker's message bus (as the shadow service is): it hears
 * devices' requests on `$aws/certificates/create/{format}`, `$aws/certificates/create-from-csr/{format}` and
 * `$aws/provisioning-templates/{template}/provision/{format}` (lib/mqtt/reserved-topics.ts), carries them out
 * through the registry (emulator/iot/fleet-provisioning.ts) and answers on the request topic plus `/accepted` or
 * `/rejected`, in the request's format, on the asking connection only: AWS "returns the device provisioning MQTT
 * API results through the same MQTT connection used to publish the API request", and a CreateKeysAndCertificate
 * answer carries a private key no other subscriber may see.
 *
 * Who may ask is the broker's business, as for any topic: the request got here only if the connection's policy
 * (a claim certificate's claim policy) allowed iot:Publish on it, and the answer is delivered only if the
 * connection subscribed to it and may receive it.
 *
 * Answers, as AWS sends them:
 *  - CreateKeysAndCertificate: {certificateId, certificatePem, privateKey, certificateOwnershipToken}
 *  - CreateCertificateFromCsr: {certificateOwnershipToken, certificateId, certificatePem}
 *  - RegisterThing: {deviceConfiguration, thingName}
 *  - rejected: {statusCode, errorCode, errorMessage}
 */
import {
  type FleetProvisioningTopic,
  fleetProvisioningTopic,
  parseFleetProvisioningTopic,
} from '../../../lib/mqtt/reserved-topics';
import type { BusListener, BusMessage, ConnectionRef } from '../../broker/bus';
import type { EmulatorContext } from '../../context';
import {
  createCertificateFromCsrForClaim,
  createKeysAndCertificateForClaim,
  ProvisioningRejection,
  registerThing,
  sweepFleetProvisioning,
} from '../../iot/fleet-provisioning';
import { lambdaHookInvoker } from './hook';
import { decodeRequest, encodeAnswer, readParameters } from './payload';

/** Answers go out at QoS 1: a device subscribed at QoS 1 gets its credentials at least once. */
const ANSWER_QOS = 1;

/** How often expired ownership tokens (and never-registered certificates) and claims are swept. */
export const SWEEP_INTERVAL_MS = 30_000;

type Asker = ConnectionRef & { certificateId: string };

export class FleetProvisioningService {
  private readonly invokeHook;

  constructor(private readonly ctx: EmulatorContext) {
    this.invokeHook = lambdaHookInvoker(ctx);
  }

  /** Handles one bus message if it is a fleet provisioning request from a device; resolves once answered. */
  async handleMessage(msg: BusMessage): Promise<void> {
    const topic = parseFleetProvisioningTopic(msg.topic);
    if (topic?.kind !== 'request') return;
    const c = msg.connection;
    // Only a device connection can own a certificate (HTTP Publish and the dashboard's IAM session cannot).
    if (!c?.certificateId) return;
    const asker: Asker = {
      clientId: c.clientId,
      sessionIdentifier: c.sessionIdentifier,
      certificateId: c.certificateId,
    };
    let answer: object;
    let kind: 'accepted' | 'rejected' = 'accepted';
    try {
      answer = await this.carryOut(topic, decodeRequest(topic.format, msg.payload), asker);
    } catch (e) {
      kind = 'rejected';
      const rejection =
        e instanceof ProvisioningRejection
          ? e
          : new ProvisioningRejection('InternalError', 'An internal error occurred.');
      if (!(e instanceof ProvisioningRejection)) {
        this.ctx.config.log(
          `fleet provisioning: ${msg.topic} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
      }
      answer = { statusCode: rejection.statusCode, errorCode: rejection.errorCode, errorMessage: rejection.message };
    }
    await this.answer(asker, { ...topic, kind }, answer);
  }

  private async carryOut(
    topic: FleetProvisioningTopic,
    request: Record<string, unknown>,
    asker: Asker,
  ): Promise<object> {
    switch (topic.operation) {
      case 'CreateKeysAndCertificate': {
        const { certificate, certificateOwnershipToken, keys } = await createKeysAndCertificateForClaim(
          this.ctx,
          asker.certificateId,
        );
        // The private key exists only in this answer, as on AWS: neither stored nor logged.
        return {
          certificateId: certificate.certificateId,
          certificatePem: certificate.certificatePem,
          privateKey: keys.privateKeyPem,
          certificateOwnershipToken,
        };
      }
      case 'CreateCertificateFromCsr': {
        const { certificate, certificateOwnershipToken } = await createCertificateFromCsrForClaim(
          this.ctx,
          request.certificateSigningRequest,
          asker.certificateId,
        );
        return {
          certificateOwnershipToken,
          certificateId: certificate.certificateId,
          certificatePem: certificate.certificatePem,
        };
      }
      case 'RegisterThing': {
        const result = await registerThing(
          this.ctx,
          {
            templateName: topic.templateName!,
            certificateOwnershipToken: request.certificateOwnershipToken,
            parameters: readParameters(request.parameters),
            clientId: asker.clientId,
            claimCertificateId: asker.certificateId,
          },
          this.invokeHook,
        );
        return {
          deviceConfiguration: result.deviceConfiguration,
          ...(result.thingName ? { thingName: result.thingName } : {}),
        };
      }
    }
  }

  private async answer(asker: Asker, topic: FleetProvisioningTopic, body: object): Promise<void> {
    const name = fleetProvisioningTopic(topic);
    try {
      const delivered = await this.ctx.bus.publishToConnection(asker, name, encodeAnswer(topic.format, body), {
        qos: ANSWER_QOS,
      });
      if (!delivered) {
        this.ctx.config.log(
          `fleet provisioning: ${name} not delivered to ${asker.clientId} (gone, not subscribed, or iot:Receive not allowed)`,
        );
      }
    } catch (err) {
      this.ctx.config.log(
        `fleet provisioning: answer on ${name} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

const attached = new WeakMap<EmulatorContext, () => void>();

/**
 * Starts the fleet provisioning service: listens on the bus for requests and sweeps expired tokens and claims
 * every SWEEP_INTERVAL_MS. Call once the broker is up; a second call for the same context changes nothing.
 * Returns the function that stops it.
 */
export function attachFleetProvisioning(ctx: EmulatorContext): () => void {
  const existing = attached.get(ctx);
  if (existing) return existing;
  const service = new FleetProvisioningService(ctx);
  const listener: BusListener = (msg) => {
    service.handleMessage(msg).catch((err: unknown) => {
      ctx.config.log(
        `fleet provisioning: ${msg.topic}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    });
  };
  // The fleet provisioning API's two topic families: the broker calls the listener for nothing else.
  const stopCertificates = ctx.bus.onMessage(listener, '$aws/certificates/');
  const stopTemplates = ctx.bus.onMessage(listener, '$aws/provisioning-templates/');
  const stopListening = () => {
    stopCertificates();
    stopTemplates();
  };
  const sweeper = setInterval(() => {
    try {
      sweepFleetProvisioning(ctx);
    } catch (err) {
      // A closed store (shutting down) or a bug: log it, try again next time.
      ctx.config.log(`fleet provisioning: sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  const stop = () => {
    stopListening();
    clearInterval(sweeper);
    if (attached.get(ctx) === stop) attached.delete(ctx);
  };
  attached.set(ctx, stop);
  return stop;
}
