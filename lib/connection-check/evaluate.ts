/**
 * The connection check, in plain words: from what AWS IoT says about a thing (its certificates, their status and
 * CA, their policies, a TestAuthorization simulation of what the device will do, the endpoint and root CA), a list
 * of steps that each pass or fail with the fix. Pure: lib/connection-check/facts.ts gathers the facts.
 */

import { bundleFileName } from '../bundle/bundle';
import { plannedActions } from './plan';
import type { ActionType, CertificateFacts, CheckFacts, CheckSection, CheckStep } from './types';

const POLICY_ACTION: Record<ActionType, string> = {
  CONNECT: 'iot:Connect',
  PUBLISH: 'iot:Publish',
  SUBSCRIBE: 'iot:Subscribe',
  RECEIVE: 'iot:Receive',
};

const shortId = (id: string) => id.slice(0, 10);
const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
const policyHref = (name: string) => `/policies/${encodeURIComponent(name)}`;
const certHref = (id: string) => `/certificates/${encodeURIComponent(id)}`;

function statusStep(cert: CertificateFacts): CheckStep {
  const base = { id: `cert-${cert.id}-status`, title: 'Certificate status' };
  const link = { href: certHref(cert.id), linkText: 'Open the certificate' };
  switch (cert.status) {
    case 'ACTIVE':
      return { ...base, status: 'pass', detail: 'The certificate is ACTIVE: AWS IoT accepts it in the TLS handshake.' };
    case 'REVOKED':
      return {
        ...base,
        status: 'fail',
        detail:
          'The certificate is REVOKED: AWS IoT refuses it in the TLS handshake, and it cannot be made active again.',
        fix: {
          text: 'Issue a new certificate for this thing (onboard it again), attach a policy to it, and put it on the device.',
          href: '/onboard',
          linkText: 'Onboard',
        },
      };
    case 'PENDING_ACTIVATION':
      return {
        ...base,
        status: 'fail',
        detail:
          'The certificate is PENDING_ACTIVATION (registered just in time by its CA): AWS IoT refuses it until someone activates it.',
        fix: { text: 'Activate it on its certificate page (Activate), then let the device connect again.', ...link },
      };
    case 'PENDING_TRANSFER':
      return {
        ...base,
        status: 'fail',
        detail: 'The certificate is PENDING_TRANSFER to another account: it cannot connect here.',
        fix: { text: 'Reject or cancel the transfer, then activate the certificate.', ...link },
      };
    default:
      return {
        ...base,
        status: 'fail',
        detail: `The certificate is ${cert.status}, not ACTIVE: AWS IoT refuses it in the TLS handshake.`,
        fix: { text: 'Activate it on its certificate page (Activate).', ...link },
      };
  }
}

function caStep(cert: CertificateFacts): CheckStep {
  const base = { id: `cert-${cert.id}-ca`, title: 'Certificate authority' };
  if (cert.ca.kind === 'aws')
    return { ...base, status: 'pass', detail: 'Issued by AWS IoT’s own CA: nothing to register.' };
  if (cert.ca.kind === 'none') {
    return {
      ...base,
      status: 'pass',
      detail:
        'Registered without a CA: the device must send the endpoint name in TLS (SNI), as every current SDK does.',
    };
  }
  const href = `/cas/${encodeURIComponent(cert.ca.id)}`;
  if (!cert.ca.status.ok) {
    return {
      ...base,
      status: 'warn',
      detail: `Signed by the registered CA ${shortId(cert.ca.id)}…, whose status could not be read: ${cert.ca.status.message}`,
    };
  }
  if (cert.ca.status.value === 'ACTIVE')
    return { ...base, status: 'pass', detail: `Signed by the registered CA ${shortId(cert.ca.id)}…, which is ACTIVE.` };
  return {
    ...base,
    status: 'fail',
    detail: `Signed by the registered CA ${shortId(cert.ca.id)}…, which is ${cert.ca.status.value}: AWS IoT refuses every certificate of an inactive CA.`,
    fix: { text: 'Activate the CA certificate on its page.', href, linkText: 'Open the CA' },
  };
}

function policiesStep(cert: CertificateFacts): CheckStep {
  const base = { id: `cert-${cert.id}-policies`, title: 'Policies attached' };
  if (!cert.policies.ok)
    return { ...base, status: 'warn', detail: `Could not list the certificate’s policies: ${cert.policies.message}` };
  if (cert.policies.value.length === 0) {
    return {
      ...base,
      status: 'fail',
      detail: 'This device has no policy: AWS IoT allows nothing without one, so it cannot even connect.',
      fix: {
        text: 'Attach one: open Policies, pick a policy (or create one from the thing-scoped template) and attach it to this certificate.',
        href: '/policies',
        linkText: 'Policies',
      },
    };
  }
  return { ...base, status: 'pass', detail: `Attached: ${list(cert.policies.value)}.` };
}

function authorizationSteps(cert: CertificateFacts, thing: string): CheckStep[] {
  const planned = plannedActions(thing);
  if (!cert.authorization.ok) {
    return [
      {
        id: `cert-${cert.id}-authorization`,
        title: 'Simulated Connect, Publish, Subscribe and Receive',
        status: 'warn',
        detail: `Could not simulate the device’s actions (TestAuthorization): ${cert.authorization.message}`,
      },
    ];
  }
  const outcomes = cert.authorization.value;
  const policies = cert.policies.ok ? cert.policies.value : [];
  return planned.map((p, i) => {
    const outcome = outcomes[i];
    const title = `${POLICY_ACTION[p.action]} ${p.resourceKind === 'client' ? `as client id ${p.name}` : `on ${p.name}`}`;
    const base = { id: `cert-${cert.id}-${p.id}`, title };
    if (!outcome) return { ...base, status: 'warn' as const, detail: 'No answer for this action.' };
    if (outcome.decision === 'ALLOWED') {
      return {
        ...base,
        status: 'pass' as const,
        detail: `Allowed${outcome.allowedBy.length ? ` by ${list(outcome.allowedBy)}` : ''}: the device can ${p.why}.`,
      };
    }
    const severity = p.essential ? ('fail' as const) : ('warn' as const);
    const consequence = p.essential ? '' : ' The device still connects, but the shadow round trip will not work.';
    const resource = `arn:aws:iot:<region>:<account>:${p.resourceKind}/${p.name}`;
    if (outcome.decision === 'EXPLICIT_DENY') {
      const denier = outcome.deniedBy[0];
      return {
        ...base,
        status: severity,
        detail: `Explicitly denied${outcome.deniedBy.length ? ` by ${list(outcome.deniedBy)}` : ''}: the device cannot ${p.why}; a Deny wins over every Allow.${consequence}`,
        fix: {
          text: `Remove or narrow the Deny statement for ${POLICY_ACTION[p.action]} on ${resource}.`,
          ...(denier ? { href: policyHref(denier), linkText: `Open ${denier}` } : {}),
        },
      };
    }
    const target = policies[0];
    return {
      ...base,
      status: severity,
      detail:
        policies.length === 0
          ? `Denied: no policy is attached, so the device cannot ${p.why}.${consequence}`
          : `Denied: none of ${list(policies)} allows ${POLICY_ACTION[p.action]} on ${p.resourceKind === 'client' ? 'client id' : p.resourceKind === 'topic' ? 'topic' : 'topic filter'} ${p.name}, so the device cannot ${p.why}.${consequence}`,
      fix: {
        text:
          policies.length === 0
            ? 'Attach a policy to the certificate (the thing-scoped template allows its own topics).'
            : `Add an Allow statement for ${POLICY_ACTION[p.action]} on ${resource} (a new version of ${target ? `"${target}"` : 'the policy'}), or attach a policy that allows it.` +
              (p.action === 'CONNECT'
                ? ' A policy written with ${iot:Connection.Thing.ThingName} needs the certificate attached to this thing.'
                : ''),
        href: target ? policyHref(target) : '/policies',
        linkText: target ? `Open ${target}` : 'Policies',
      },
    };
  });
}

/** The sections of the static check, in the order a device meets them. */
export function evaluateCheck(facts: CheckFacts): CheckSection[] {
  const sections: CheckSection[] = [];
  const thingSteps: CheckStep[] = [];
  if (!facts.thing.ok) {
    thingSteps.push({
      id: 'thing',
      title: 'The thing exists',
      status: 'warn',
      detail: `Could not read the thing: ${facts.thing.message}`,
    });
  } else if (!facts.thing.value.exists) {
    thingSteps.push({
      id: 'thing',
      title: 'The thing exists',
      status: 'fail',
      detail: `There is no thing named ${facts.thingName} in this account and region.`,
      fix: {
        text: 'Onboard the device, which creates the thing, its certificate and policy.',
        href: '/onboard',
        linkText: 'Onboard',
      },
    });
    sections.push({ id: 'thing', title: 'Thing', steps: thingSteps });
    return sections;
  } else {
    thingSteps.push({
      id: 'thing',
      title: 'The thing exists',
      status: 'pass',
      detail: `${facts.thingName} is registered.`,
    });
  }

  if (!facts.certificates.ok) {
    thingSteps.push({
      id: 'certificates',
      title: 'Certificates attached',
      status: 'warn',
      detail: `Could not list the certificates: ${facts.certificates.message}`,
    });
  } else if (facts.certificates.value.length === 0) {
    thingSteps.push({
      id: 'certificates',
      title: 'Certificates attached',
      status: 'fail',
      detail: 'No certificate is attached to this thing: a device has nothing to prove it is this thing.',
      fix: {
        text: 'Attach a certificate: onboard the device (which issues one and attaches it), or attach an existing certificate to this thing from its certificate page.',
        href: '/onboard',
        linkText: 'Onboard',
      },
    });
  } else {
    const n = facts.certificates.value.length;
    thingSteps.push({
      id: 'certificates',
      title: 'Certificates attached',
      status: 'pass',
      detail: `${n} certificate${n === 1 ? '' : 's'} attached.`,
    });
  }
  sections.push({ id: 'thing', title: 'Thing', steps: thingSteps });

  if (facts.certificates.ok) {
    for (const cert of facts.certificates.value) {
      sections.push({
        id: `cert-${cert.id}`,
        title: `Certificate ${shortId(cert.id)}…`,
        steps: [statusStep(cert), caStep(cert), policiesStep(cert), ...authorizationSteps(cert, facts.thingName)],
      });
    }
  }

  if (!facts.endpoint.ok) {
    sections.push({
      id: 'endpoint',
      title: 'Endpoint and root CA',
      steps: [
        {
          id: 'endpoint',
          title: 'Endpoint',
          status: 'warn',
          detail: `Could not look up the device endpoint: ${facts.endpoint.message}`,
        },
      ],
    });
  } else {
    const e = facts.endpoint.value;
    sections.push({
      id: 'endpoint',
      title: 'Endpoint and root CA',
      steps: [
        {
          id: 'endpoint',
          title: 'Endpoint',
          status: 'pass',
          detail: `The device connects to ${e.endpoint} on port ${e.port} (MQTT over TLS with its certificate).`,
        },
        {
          id: 'root-ca',
          title: 'Root CA',
          status: 'pass',
          detail: `The device must trust ${e.rootCaFileName}: ${e.rootCaDescription}`,
        },
      ],
    });
  }
  return sections;
}

/** Ready when the thing exists and at least one certificate has no failing step. */
export function overallStatus(sections: readonly CheckSection[]): 'ready' | 'problems' {
  const thing = sections.find((s) => s.id === 'thing');
  if (!thing || thing.steps.some((s) => s.status === 'fail')) return 'problems';
  const certs = sections.filter((s) => s.id.startsWith('cert-'));
  return certs.some((s) => s.steps.every((step) => step.status !== 'fail')) ? 'ready' : 'problems';
}

/** How to start a simulated device with this thing's bundle, for the live part. */
export function deviceCommandHint(thing: string): string {
  return `npm run device -- ${bundleFileName(thing)}`;
}
