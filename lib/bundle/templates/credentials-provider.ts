import { commentText, mdCode, mdFence, shQuote } from '../escape';
import { CONFIG_DIR, isLocal, type BundleContext } from './context';

/**
 * The credentials provider's part of a bundle, when a role alias was chosen at onboarding: a device trades its
 * certificate for temporary AWS credentials (`GET https://<iot:CredentialProvider>/role-aliases/<alias>/credentials`
 * over mutual TLS, with the `x-amzn-iot-thingname` header), then calls other AWS services with them. A ready
 * curl script, a Node.js snippet that feeds the AWS SDK for JavaScript v3, and the README's section. Pure.
 */

export const CREDENTIALS_PATHS = {
  curl: `${CONFIG_DIR}/credentials-provider.sh`,
  javascript: `${CONFIG_DIR}/aws-credentials-provider.js`,
} as const;

const lit = (value: string) => JSON.stringify(value);

/** The credentials URL of the chosen alias (the alias is `[\w=,@-]+`, but encoded anyway). */
export function credentialsUrl(
  ctx: BundleContext & { credentialsProvider: NonNullable<BundleContext['credentialsProvider']> },
) {
  const cp = ctx.credentialsProvider;
  return `https://${cp.endpoint}/role-aliases/${encodeURIComponent(cp.roleAlias)}/credentials`;
}

type WithProvider = BundleContext & { credentialsProvider: NonNullable<BundleContext['credentialsProvider']> };

/** The one curl line, with paths relative to the bundle folder. */
export function credentialsCurlLine(ctx: WithProvider): string {
  return [
    'curl --silent --show-error',
    `--cert ${shQuote(ctx.files.certificate)}`,
    `--key ${shQuote(ctx.files.privateKey)}`,
    `--cacert ${shQuote(ctx.files.rootCa)}`,
    `-H ${shQuote(`x-amzn-iot-thingname: ${ctx.thingName}`)}`,
    shQuote(credentialsUrl(ctx)),
  ].join(' ');
}

/** config/credentials-provider.sh: prints `{"credentials": {...}}` for this device. */
export function credentialsScript(ctx: WithProvider): string {
  return [
    '#!/bin/sh',
    `# Temporary AWS credentials for thing ${commentText(ctx.thingName)} through role alias ${commentText(ctx.credentialsProvider.roleAlias)}`,
    `# (the AWS IoT credentials provider${isLocal(ctx) ? ' of the local IoT Core: its credentials are throwaway' : ''}).`,
    '# Prints {"credentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}}.',
    'set -eu',
    'cd "$(dirname "$0")/.."',
    `if [ ! -f ${shQuote(ctx.files.privateKey)} ]; then`,
    `  echo ${shQuote(`${ctx.files.privateKey} is missing: copy this certificate's private key there (see README.md).`)} >&2`,
    '  exit 1',
    'fi',
    `${credentialsCurlLine(ctx)} --fail-with-body`,
    '',
  ].join('\n');
}

/** config/aws-credentials-provider.js: a credentials provider for the AWS SDK for JavaScript v3. */
export function credentialsJsSnippet(ctx: WithProvider): string {
  return `// Temporary AWS credentials for thing ${commentText(ctx.thingName)} through role alias ${commentText(ctx.credentialsProvider.roleAlias)},
// from the AWS IoT credentials provider, as a credentials provider for the AWS SDK for JavaScript v3:
//
//   const { S3Client, ListBucketsCommand } = require('@aws-sdk/client-s3');
//   const { credentialsProvider } = require('./config/aws-credentials-provider.js');
//   const s3 = new S3Client({ region: ${lit(ctx.region || 'us-east-1')}, credentials: credentialsProvider() });
//
// Run directly (node config/aws-credentials-provider.js), it prints when the credentials expire.
// File paths are relative to the bundle folder, wherever this is run from.
'use strict';
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');

const BUNDLE_DIR = path.join(__dirname, '..');
const CREDENTIALS_URL = ${lit(credentialsUrl(ctx))};
const THING_NAME = ${lit(ctx.thingName)};

function fetchCredentials() {
  return new Promise((resolve, reject) => {
    const req = https.get(
      CREDENTIALS_URL,
      {
        cert: fs.readFileSync(path.join(BUNDLE_DIR, ${lit(ctx.files.certificate)})),
        key: fs.readFileSync(path.join(BUNDLE_DIR, ${lit(ctx.files.privateKey)})),
        ca: fs.readFileSync(path.join(BUNDLE_DIR, ${lit(ctx.files.rootCa)})),
        headers: { 'x-amzn-iot-thingname': THING_NAME },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error('credentials provider: HTTP ' + res.statusCode + ' ' + body));
          const c = JSON.parse(body).credentials;
          resolve({
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken,
            expiration: new Date(c.expiration),
          });
        });
      },
    );
    req.on('error', reject);
  });
}

/** The SDK calls this again when the credentials are about to expire. */
function credentialsProvider() {
  return () => fetchCredentials();
}

module.exports = { fetchCredentials, credentialsProvider };

if (require.main === module) {
  fetchCredentials().then(
    (c) => console.log('Credentials for ' + THING_NAME + ' (' + c.accessKeyId + ') valid until ' + c.expiration.toISOString()),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
`;
}

/** The README's section on AWS credentials. */
export function credentialsReadme(ctx: WithProvider): string {
  const cp = ctx.credentialsProvider;
  return [
    '## AWS credentials through the credentials provider',
    '',
    `This device may trade its certificate for temporary AWS credentials through role alias ${mdCode(cp.roleAlias)}`,
    `at the credentials provider ${mdCode(cp.endpoint)}, to call other AWS services (S3 uploads, Kinesis Video` +
      ' Streams, ...) with the permissions of the IAM role the alias points to. Its policy allows',
    `\`iot:AssumeRoleWithCertificate\` on the role alias. From this folder:`,
    '',
    mdFence(credentialsCurlLine(ctx), 'sh'),
    '',
    `or run \`./${CREDENTIALS_PATHS.curl}\`. The answer is`,
    '`{"credentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}}`; ask again before',
    `\`expiration\`. \`${CREDENTIALS_PATHS.javascript}\` is the same as a credentials provider for the AWS SDK for`,
    'JavaScript v3 (see its first lines).',
    ...(isLocal(ctx)
      ? [
          '',
          'The local IoT Core checks the certificate, the thing and the policy exactly as AWS does, but the credentials',
          'it answers with are throwaway: no AWS service accepts them.',
        ]
      : []),
  ].join('\n');
}
