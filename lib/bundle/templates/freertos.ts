import { commentText, cPemMacro, cString } from '../escape';
import { targetName, type BundleContext } from './context';

/**
 * FreeRTOS-style credential headers: aws_clientcredential.h (broker endpoint, thing name, port, the Wi-Fi
 * placeholders the FreeRTOS template carries) and aws_clientcredential_keys.h (certificate and key PEM as C
 * string literals, one line each, "\n"-terminated). Every value goes through cString, so any thing name or
 * endpoint compiles and reads back unchanged.
 */

export function freertosClientCredentialHeader(ctx: BundleContext): string {
  return `/*
 * aws_clientcredential.h for thing ${commentText(ctx.thingName)} on ${commentText(targetName(ctx))}.
 *
 * Replace your application's configs/aws_configs/aws_clientcredential.h (or the file your project keeps these
 * defines in) with this one, then fill in the Wi-Fi settings if your board uses Wi-Fi. The device certificate
 * and private key are in aws_clientcredential_keys.h next to this file (or are set at build time, as the
 * project's build configuration describes).
 */
#ifndef __AWS_CLIENTCREDENTIAL__H__
#define __AWS_CLIENTCREDENTIAL__H__

/*
 * @brief MQTT broker endpoint: the device data endpoint (iot:Data-ATS) of the account and region.
 */
#define clientcredentialMQTT_BROKER_ENDPOINT         ${cString(ctx.endpoint)}

/*
 * @brief Host name (thing name) of the device, also its MQTT client identifier.
 */
#define clientcredentialIOT_THING_NAME               ${cString(ctx.thingName)}

/*
 * @brief Port number the MQTT broker is using: 8883 is MQTT over TLS with a client certificate.
 */
#define clientcredentialMQTT_BROKER_PORT             ${ctx.port}

/*
 * @brief Port number the Green Grass Discovery use for JSON retrieval from cloud is using.
 */
#define clientcredentialGREENGRASS_DISCOVERY_PORT    8443

/*
 * @brief Wi-Fi network to join: fill these in for a Wi-Fi board.
 */
#define clientcredentialWIFI_SSID                    "Paste Wi-Fi SSID here."
#define clientcredentialWIFI_PASSWORD                "Paste Wi-Fi password here."

/*
 * @brief Security type: eWiFiSecurityOpen, eWiFiSecurityWEP, eWiFiSecurityWPA, eWiFiSecurityWPA2
 * (depending on the support of your device Wi-Fi radio).
 */
#define clientcredentialWIFI_SECURITY                eWiFiSecurityWPA2

#endif /* ifndef __AWS_CLIENTCREDENTIAL__H__ */
`;
}

export function freertosKeysHeader(ctx: BundleContext): string {
  const key = ctx.privateKeyPem
    ? cPemMacro('keyCLIENT_PRIVATE_KEY_PEM', ctx.privateKeyPem)
    : `/*
 * The private key is NOT included: it is handed out only once, when the certificate is created. Paste the
 * contents of private.pem.key from the first bundle downloaded for this certificate here, one line per
 * "...\\n" string, as keyCLIENT_CERTIFICATE_PEM above shows.
 */
#define keyCLIENT_PRIVATE_KEY_PEM                   ""`;
  return `/*
 * aws_clientcredential_keys.h for thing ${commentText(ctx.thingName)}, certificate ${commentText(ctx.certificateId)}.
 *
 * PEM-encoded client certificate and private key, as C string literals with "\\n" line endings.
 * ${ctx.privateKeyPem ? 'It holds the PRIVATE KEY: keep it out of source control and shared builds.' : 'The private key is not in this file (see below).'}
 */
#ifndef AWS_CLIENT_CREDENTIAL_KEYS_H
#define AWS_CLIENT_CREDENTIAL_KEYS_H

/*
 * @brief PEM-encoded client certificate (certificate.pem.crt).
 */
${cPemMacro('keyCLIENT_CERTIFICATE_PEM', ctx.certificatePem)}

/*
 * @brief PEM-encoded issuer certificate for AWS IoT Just In Time Registration (JITR): not used here.
 */
#define keyJITR_DEVICE_CERTIFICATE_AUTHORITY_PEM    ""

/*
 * @brief PEM-encoded client private key (private.pem.key).
 */
${key}

#endif /* AWS_CLIENT_CREDENTIAL_KEYS_H */
`;
}
