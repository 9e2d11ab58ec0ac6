import { commentText } from '../escape';
import { sampleMessage, targetName, type BundleContext } from './context';

/**
 * AWS IoT Device SDK v2 snippets (Python: awsiotsdk, JavaScript: aws-iot-device-sdk-v2): connect with the
 * bundle's certificate, publish one message to the topic its policy allows (ctx.topics.telemetry), disconnect. String values are JSON string
 * literals, which are valid Python and JavaScript string literals for any content.
 */

const lit = (value: string) => JSON.stringify(value);

export function pythonSnippet(ctx: BundleContext): string {
  return `"""Connect thing ${commentText(ctx.thingName)} to ${commentText(targetName(ctx))} and publish one message.

AWS IoT Device SDK v2 for Python:
    python3 -m pip install awsiotsdk
    python3 config/aws-iot-device-sdk-python.py

File paths are relative to the bundle folder, wherever this script is run from.
"""
import os
import sys

from awscrt import mqtt
from awsiot import mqtt_connection_builder

BUNDLE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ENDPOINT = ${lit(ctx.endpoint)}
PORT = ${ctx.port}
CLIENT_ID = ${lit(ctx.clientId)}  # the thing name
TOPIC = ${lit(ctx.topics.telemetry)}
CERT_FILE = os.path.join(BUNDLE_DIR, ${lit(ctx.files.certificate)})
KEY_FILE = os.path.join(BUNDLE_DIR, ${lit(ctx.files.privateKey)})
ROOT_CA_FILE = os.path.join(BUNDLE_DIR, ${lit(ctx.files.rootCa)})


def main():
    if not os.path.isfile(KEY_FILE):
        sys.exit(KEY_FILE + " is missing: copy this certificate's private key there (see README.md).")

    connection = mqtt_connection_builder.mtls_from_path(
        endpoint=ENDPOINT,
        port=PORT,
        cert_filepath=CERT_FILE,
        pri_key_filepath=KEY_FILE,
        ca_filepath=ROOT_CA_FILE,
        client_id=CLIENT_ID,
        clean_session=True,
        keep_alive_secs=30,
    )
    print("Connecting to %s:%d as %s ..." % (ENDPOINT, PORT, CLIENT_ID))
    connection.connect().result()
    print("Connected.")

    payload = ${lit(sampleMessage(ctx))}
    publish_future, _packet_id = connection.publish(topic=TOPIC, payload=payload, qos=mqtt.QoS.AT_LEAST_ONCE)
    publish_future.result()
    print("Published to %s: %s" % (TOPIC, payload))

    connection.disconnect().result()
    print("Disconnected.")


if __name__ == "__main__":
    main()
`;
}

export function javascriptSnippet(ctx: BundleContext): string {
  return `/**
 * Connect thing ${commentText(ctx.thingName)} to ${commentText(targetName(ctx))} and publish one message.
 *
 * AWS IoT Device SDK v2 for JavaScript (Node.js):
 *   npm install aws-iot-device-sdk-v2
 *   node config/aws-iot-device-sdk-js.js
 *
 * File paths are relative to the bundle folder, wherever this script is run from.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { iot, mqtt } = require('aws-iot-device-sdk-v2');

const BUNDLE_DIR = path.resolve(__dirname, '..');

const ENDPOINT = ${lit(ctx.endpoint)};
const PORT = ${ctx.port};
const CLIENT_ID = ${lit(ctx.clientId)}; // the thing name
const TOPIC = ${lit(ctx.topics.telemetry)};
const CERT_FILE = path.join(BUNDLE_DIR, ${lit(ctx.files.certificate)});
const KEY_FILE = path.join(BUNDLE_DIR, ${lit(ctx.files.privateKey)});
const ROOT_CA_FILE = path.join(BUNDLE_DIR, ${lit(ctx.files.rootCa)});

async function main() {
  if (!fs.existsSync(KEY_FILE)) {
    throw new Error(KEY_FILE + " is missing: copy this certificate's private key there (see README.md).");
  }

  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(CERT_FILE, KEY_FILE)
    .with_certificate_authority_from_path(undefined, ROOT_CA_FILE)
    .with_endpoint(ENDPOINT)
    .with_port(PORT)
    .with_client_id(CLIENT_ID)
    .with_clean_session(true)
    .with_keep_alive_seconds(30)
    .build();

  const connection = new mqtt.MqttClient().new_connection(config);
  console.log(\`Connecting to \${ENDPOINT}:\${PORT} as \${CLIENT_ID} ...\`);
  await connection.connect();
  console.log('Connected.');

  const payload = JSON.stringify(${sampleMessage(ctx)});
  await connection.publish(TOPIC, payload, mqtt.QoS.AtLeastOnce);
  console.log(\`Published to \${TOPIC}: \${payload}\`);

  await connection.disconnect();
  console.log('Disconnected.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;
}
