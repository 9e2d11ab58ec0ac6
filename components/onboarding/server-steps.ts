import {
  onboardAttachPolicy,
  onboardAttachThingPrincipal,
  onboardCreateCertificate,
  onboardCreatePolicy,
  onboardCreateThing,
  onboardRollback,
} from '@/app/(console)/onboard/actions';
import type { OnboardingSteps } from '@/lib/onboarding/types';

/** The onboard page's server actions, one per AWS call: the run's progress is each answer as it arrives. */
export const STEPS: OnboardingSteps = {
  createThing: onboardCreateThing,
  createCertificate: onboardCreateCertificate,
  createPolicy: onboardCreatePolicy,
  attachPolicy: onboardAttachPolicy,
  attachThingPrincipal: onboardAttachThingPrincipal,
  rollback: onboardRollback,
};
