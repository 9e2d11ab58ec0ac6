import { commentText, shQuote } from '../escape';
import { sampleMessage, type BundleContext } from './context';

/**
 * mosquitto_pub / mosquitto_sub command lines, and config/mosquitto.sh. Every value is shell-quoted, so any
 * thing name, endpoint, topic or file name reads back as itself.
 */

/** Connection and TLS options shared by mosquitto_pub and mosquitto_sub. */
export function mosquittoConnectionArgs(ctx: BundleContext): string[] {
  const args = [
    `-h ${shQuote(ctx.endpoint)} -p ${ctx.port} -i ${shQuote(ctx.clientId)}`,
    `--cafile ${shQuote(ctx.files.rootCa)} --cert ${shQuote(ctx.files.certificate)} --key ${shQuote(ctx.files.privateKey)}`,
  ];
  // Port 443 carries MQTT only with the ALPN protocol name AWS IoT Core expects.
  args.push(ctx.port === 443 ? '--tls-version tlsv1.2 --tls-alpn x-amzn-mqtt-ca' : '--tls-version tlsv1.2');
  return args;
}

function command(program: string, lines: string[]): string {
  return [program + ' ' + lines[0], ...lines.slice(1).map((l) => '  ' + l)].join(' \\\n');
}

/** `mosquitto_pub ... -t <topic> -m <message>`; topic and message are shell words (already quoted). */
export function mosquittoPubCommand(ctx: BundleContext, topicWord: string, messageWord: string): string {
  return command('mosquitto_pub', [...mosquittoConnectionArgs(ctx), `-t ${topicWord} -q 1 -m ${messageWord}`]);
}

/** `mosquitto_sub ... -t <topic> -v`; topic is a shell word (already quoted). */
export function mosquittoSubCommand(ctx: BundleContext, topicWord: string): string {
  return command('mosquitto_sub', [...mosquittoConnectionArgs(ctx), `-t ${topicWord} -q 1 -v`]);
}

export function mosquittoScript(ctx: BundleContext): string {
  const keyMissing = ctx.privateKeyPem
    ? `private.pem.key is the key that came with this certificate: put it back in this folder.`
    : `The private key is not part of this download: copy private.pem.key from the first bundle downloaded for this certificate (or from the device) into this folder.`;
  return `#!/bin/sh
# Test the MQTT connection of thing ${commentText(ctx.thingName)} with the mosquitto clients.
#
#   ./config/mosquitto.sh pub [MESSAGE]   publish one message (default: a small JSON document) and exit
#   ./config/mosquitto.sh sub             print every message arriving on the topic, until Ctrl+C
#
# The topic is ${commentText(ctx.topics.telemetry)} unless TOPIC is set: TOPIC=other/topic ./config/mosquitto.sh sub
# Works from any directory. Needs mosquitto_pub and mosquitto_sub 1.6 or later:
#   sudo apt install mosquitto-clients    (Debian, Ubuntu, Raspberry Pi OS)
#   brew install mosquitto                (macOS)
# Both connect with client id ${commentText(ctx.clientId)}. A second connection with the same client id disconnects
# the first: pub while sub runs drops sub for a moment (it reconnects by itself).
set -eu
cd "$(dirname "$0")/.."

DEFAULT_TOPIC=${shQuote(ctx.topics.telemetry)}
DEFAULT_MESSAGE=${shQuote(sampleMessage(ctx))}
TOPIC=\${TOPIC:-$DEFAULT_TOPIC}

for file in ${shQuote(ctx.files.rootCa)} ${shQuote(ctx.files.certificate)} ${shQuote(ctx.files.privateKey)}; do
  if [ ! -f "$file" ]; then
    echo "$file is missing from $(pwd)." >&2
    if [ "$file" = ${shQuote(ctx.files.privateKey)} ]; then
      echo ${shQuote(keyMissing)} >&2
    fi
    exit 1
  fi
done

case "\${1:-}" in
  pub)
    MESSAGE=\${2:-$DEFAULT_MESSAGE}
    ${mosquittoPubCommand(ctx, '"$TOPIC"', '"$MESSAGE"').replace(/\n/g, '\n    ')}
    echo "Published to $TOPIC"
    ;;
  sub)
    echo "Waiting for messages on $TOPIC (Ctrl+C to stop)" >&2
    ${mosquittoSubCommand(ctx, '"$TOPIC"').replace(/\n/g, '\n    ')}
    ;;
  *)
    echo "usage: $0 pub [MESSAGE] | sub" >&2
    exit 2
    ;;
esac
`;
}
