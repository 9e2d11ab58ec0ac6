/**
 * One device's onboarding, driven from the caller's side: each AWS call is one step (one server action when
 * the page runs it), in AWS's order: thing, certificate, policy (when a template is used), AttachPolicy,
 * AttachThingPrincipal. Every step answers with what it made, recorded in a ledger the moment it returns
 * (CreateKeysAndCertificate is not idempotent); a failure anywhere undoes the ledger in reverse order and
 * says which step failed and what to do. Pure and isomorphic: the page passes its server actions, the
 * bench and the unit tests pass functions of their own.
 */
import type { DeviceKeys, KeyAlgorithm } from '../pki/browser-keys';
import type {
  CertificateData,
  CertificateRequest,
  Created,
  OnboardingPlan,
  OnboardingResult,
  OnboardingSteps,
  RollbackReport,
  StepError,
  StepOutcome,
} from './types';

export type StepId = 'keys' | 'thing' | 'certificate' | 'policy' | 'attach-policy' | 'attach-thing';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'undone' | 'left';

export interface StepView {
  id: StepId;
  label: string;
  status: StepStatus;
  /** What the step made (when done) or why it failed. */
  detail?: string;
}

export type RunPhase = 'running' | 'rolling-back' | 'succeeded' | 'failed';

export interface RunView {
  phase: RunPhase;
  steps: StepView[];
  failure?: { step: StepId; stepLabel: string; message: string; advice: string };
  rollback?: RollbackReport;
}

export interface RunOptions {
  /** Makes the key pair and CSR (browser-key mode); the browser's WebCrypto in the page. */
  generateKeys: (commonName: string, algorithm: KeyAlgorithm) => Promise<DeviceKeys>;
  onProgress?: (view: RunView) => void;
}

export type RunOutcome = { ok: true; result: OnboardingResult; view: RunView } | { ok: false; view: RunView };

const CERTIFICATE_LABELS: Record<OnboardingPlan['credentials']['mode'], string> = {
  'browser-key': 'Get the certificate for the CSR (CreateCertificateFromCsr)',
  'aws-keys': 'Create keys and certificate (CreateKeysAndCertificate)',
  'own-certificate': 'Register your certificate',
  'own-csr': 'Get the certificate for your CSR (CreateCertificateFromCsr)',
};

/** The steps a plan runs, in order, all pending. */
export function planSteps(plan: OnboardingPlan): StepView[] {
  const steps: StepView[] = [];
  if (plan.credentials.mode === 'browser-key') {
    const alg = plan.credentials.algorithm === 'RSA' ? 'RSA 2048' : 'EC P-256';
    steps.push({ id: 'keys', label: `Make a key pair (${alg}) and CSR in this browser`, status: 'pending' });
  }
  steps.push({ id: 'thing', label: `Create thing ${plan.thingName}`, status: 'pending' });
  let certLabel = CERTIFICATE_LABELS[plan.credentials.mode];
  if (plan.credentials.mode === 'own-certificate') {
    certLabel += plan.credentials.caCertificatePem
      ? ' (RegisterCertificate, with its CA)'
      : ' (RegisterCertificateWithoutCA)';
  }
  steps.push({ id: 'certificate', label: certLabel, status: 'pending' });
  if (plan.policy.mode === 'template') {
    steps.push({ id: 'policy', label: `Create policy ${plan.policy.policyName}`, status: 'pending' });
  }
  steps.push({
    id: 'attach-policy',
    label: `Attach policy ${plan.policy.policyName} to the certificate`,
    status: 'pending',
  });
  steps.push({ id: 'attach-thing', label: `Attach the certificate to thing ${plan.thingName}`, status: 'pending' });
  return steps;
}

/** A short name for something a run made, for progress lines and the rollback report. */
export function describeCreated(item: Created): string {
  switch (item.kind) {
    case 'thing':
      return `thing ${item.thingName}`;
    case 'certificate':
      return `certificate ${item.certificateId.slice(0, 12)}…`;
    case 'policy':
      return `policy ${item.policyName}`;
    case 'policy-attachment':
      return `policy ${item.policyName} attached to the certificate`;
    case 'thing-principal':
      return `certificate attached to thing ${item.thingName}`;
  }
}

/** What the operator can do about a failed step, by error code. */
export function adviceFor(error: StepError, rollback: RollbackReport | undefined): string {
  let advice: string;
  switch (error.code) {
    case 'already_exists':
      advice = 'Something with that name appeared meanwhile: choose another name and onboard again.';
      break;
    case 'invalid':
    case 'invalid_request':
      advice = 'Correct the input AWS refused and onboard again.';
      break;
    case 'limit_exceeded':
      advice = 'An account limit was reached: remove unused resources (or raise the quota) and onboard again.';
      break;
    case 'unauthorized':
      advice = 'Check the dashboard’s AWS credentials and their IoT permissions, then onboard again.';
      break;
    case 'not_found':
      advice =
        'Something the run relies on was deleted meanwhile (a thing type, group or policy): check it and onboard again.';
      break;
    case 'certificate_state':
      advice = 'Check the certificate’s (or its CA’s) status in Certificates, then onboard again.';
      break;
    case 'network':
      advice = 'The dashboard server did not answer. Check that it is running, then onboard again.';
      break;
    default:
      advice = 'This is usually temporary: wait a moment and onboard again.';
  }
  if (!rollback) return advice;
  if (rollback.left.length === 0) {
    return `${advice} ${rollback.undone.length ? 'Everything this run made was removed again' : 'Nothing was created'}, so it is safe to retry.`;
  }
  const left = rollback.left.map((l) => describeCreated(l.item)).join(', ');
  return `${advice} These could not be removed and must be deleted by hand (in this order): ${left}.`;
}

/** Calls a step; a thrown error (the server did not answer) becomes a failed outcome that made nothing known. */
async function call<D>(fn: () => Promise<StepOutcome<D>>): Promise<StepOutcome<D>> {
  try {
    return await fn();
  } catch (err) {
    // Never echo the error's text: it may come from anywhere. Say what is known.
    void err;
    return {
      ok: false,
      created: [],
      error: { code: 'network', message: 'The request did not complete (no answer from the dashboard server).' },
    };
  }
}

/**
 * Runs a validated plan. Returns the credentials on success; on failure everything recorded is undone
 * and the view says which step failed, why, and what is left (if anything could not be undone).
 */
export async function runOnboarding(
  plan: OnboardingPlan,
  steps: OnboardingSteps,
  options: RunOptions,
): Promise<RunOutcome> {
  const view: RunView = { phase: 'running', steps: planSteps(plan) };
  const ledger: Created[] = [];
  const emit = () => options.onProgress?.(structuredClone(view));
  const step = (id: StepId) => view.steps.find((s) => s.id === id)!;
  const start = (id: StepId) => {
    step(id).status = 'running';
    emit();
  };
  const done = (id: StepId, detail: string) => {
    Object.assign(step(id), { status: 'done', detail });
    emit();
  };

  const fail = async (id: StepId, error: StepError): Promise<RunOutcome> => {
    const s = step(id);
    s.status = 'failed';
    s.detail = error.message;
    view.phase = 'rolling-back';
    emit();
    let rollback: RollbackReport = { undone: [], left: [] };
    if (ledger.length) {
      try {
        rollback = await steps.rollback([...ledger]);
      } catch {
        rollback = {
          undone: [],
          left: ledger.map((item) => ({ item, message: 'The undo request did not complete.' })),
        };
      }
    }
    const leftKinds = new Set(rollback.left.map((l) => l.item.kind));
    for (const v of view.steps) {
      if (v.status !== 'done') continue;
      const stillThere =
        (v.id === 'thing' && leftKinds.has('thing')) ||
        (v.id === 'certificate' && leftKinds.has('certificate')) ||
        (v.id === 'policy' && leftKinds.has('policy')) ||
        (v.id === 'attach-policy' && leftKinds.has('policy-attachment')) ||
        (v.id === 'attach-thing' && leftKinds.has('thing-principal'));
      if (v.id === 'keys') continue;
      v.status = stillThere ? 'left' : 'undone';
    }
    view.phase = 'failed';
    view.rollback = rollback;
    view.failure = { step: id, stepLabel: s.label, message: error.message, advice: adviceFor(error, rollback) };
    emit();
    return { ok: false, view };
  };

  /** Records what a step made before anything else happens with its answer. */
  const record = <D>(outcome: StepOutcome<D>): StepOutcome<D> => {
    ledger.push(...outcome.created);
    return outcome;
  };

  emit();

  // 1. Keys in the browser (no AWS call; nothing to undo).
  let keys: DeviceKeys | undefined;
  let certificateRequest: CertificateRequest;
  const creds = plan.credentials;
  if (creds.mode === 'browser-key') {
    start('keys');
    try {
      keys = await options.generateKeys(plan.thingName, creds.algorithm);
    } catch (err) {
      return fail('keys', {
        code: 'invalid',
        message: `This browser could not make the key pair: ${(err as Error).message}`,
      });
    }
    done(
      'keys',
      `${creds.algorithm === 'RSA' ? 'RSA 2048' : 'EC P-256'} key pair made; the private key stays in this page`,
    );
    certificateRequest = { kind: 'csr', csrPem: keys.csrPem };
  } else if (creds.mode === 'aws-keys') {
    certificateRequest = { kind: 'aws-keys' };
  } else if (creds.mode === 'own-certificate') {
    certificateRequest = {
      kind: 'register',
      certificatePem: creds.certificatePem,
      ...(creds.caCertificatePem ? { caCertificatePem: creds.caCertificatePem } : {}),
    };
  } else {
    certificateRequest = { kind: 'csr', csrPem: creds.csrPem };
  }

  // 2. Thing.
  start('thing');
  const thing = record(
    await call(() =>
      steps.createThing({
        thingName: plan.thingName,
        attributes: plan.attributes,
        ...(plan.thingTypeName ? { thingTypeName: plan.thingTypeName } : {}),
        ...(plan.thingGroupName ? { thingGroupName: plan.thingGroupName } : {}),
      }),
    ),
  );
  if (!thing.ok) return fail('thing', thing.error);
  done('thing', `Created thing ${plan.thingName}${plan.thingGroupName ? `, in group ${plan.thingGroupName}` : ''}`);

  // 3. Certificate.
  start('certificate');
  const cert = record(await call(() => steps.createCertificate(certificateRequest)));
  if (!cert.ok) return fail('certificate', cert.error);
  const certificate: CertificateData = cert.data;
  done('certificate', `Certificate ${certificate.certificateId.slice(0, 12)}… (ACTIVE)`);

  // 4. Policy, when this run creates it.
  if (plan.policy.mode === 'template') {
    start('policy');
    const templateId = plan.policy.templateId;
    const policyName = plan.policy.policyName;
    const roleAlias = plan.roleAlias;
    const policy = record(
      await call(() =>
        steps.createPolicy({
          policyName,
          templateId,
          thingArn: thing.data.thingArn,
          ...(roleAlias ? { roleAlias } : {}),
        }),
      ),
    );
    if (!policy.ok) return fail('policy', policy.error);
    done('policy', `Created policy ${plan.policy.policyName}`);
  }

  // 5. AttachPolicy.
  start('attach-policy');
  const policyName = plan.policy.policyName;
  const attached = record(
    await call(() => steps.attachPolicy({ policyName, certificateArn: certificate.certificateArn })),
  );
  if (!attached.ok) return fail('attach-policy', attached.error);
  done('attach-policy', `Policy ${policyName} attached to the certificate`);

  // 6. AttachThingPrincipal.
  start('attach-thing');
  const principal = record(
    await call(() =>
      steps.attachThingPrincipal({ thingName: plan.thingName, certificateArn: certificate.certificateArn }),
    ),
  );
  if (!principal.ok) return fail('attach-thing', principal.error);
  done('attach-thing', `Certificate attached to thing ${plan.thingName}`);

  view.phase = 'succeeded';
  emit();
  const privateKeyPem = keys?.privateKeyPem ?? certificate.privateKeyPem;
  const publicKeyPem = keys?.publicKeyPem ?? certificate.publicKeyPem;
  return {
    ok: true,
    view,
    result: {
      thingName: plan.thingName,
      thingArn: thing.data.thingArn,
      certificateId: certificate.certificateId,
      certificateArn: certificate.certificateArn,
      certificatePem: certificate.certificatePem,
      ...(privateKeyPem ? { privateKeyPem } : {}),
      ...(publicKeyPem ? { publicKeyPem } : {}),
      policyName,
      created: [...ledger],
    },
  };
}
