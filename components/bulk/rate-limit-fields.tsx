import { TextField } from '@/components/ui/form';
import { DEFAULT_JOB_RATES, DEFAULT_JOB_SETTINGS } from '@/lib/onboarding/bulk/types';

/** The job's concurrency and the four operations' rates, folded away under their defaults. */
export function RateLimitFields({ errors }: { errors: (field: string) => string[] | undefined }) {
  return (
    <details className="rounded-md border border-slate-200 p-3">
      <summary className="cursor-pointer text-sm font-medium text-slate-800">Concurrency and rate limits</summary>
      <p className="mt-2 text-xs text-slate-600">
        Requests per second per operation, from AWS IoT&apos;s default quotas (CreateThing and AttachThingPrincipal 100;
        certificate and policy APIs about 15). Keep them at or below your account&apos;s quotas; throttled calls are
        retried with backoff either way.
      </p>
      <div className="mt-3 grid gap-4 sm:grid-cols-3">
        <TextField
          name="concurrency"
          label="Devices at once"
          type="number"
          min={1}
          max={64}
          defaultValue={String(DEFAULT_JOB_SETTINGS.concurrency)}
          errors={errors('concurrency')}
        />
        <TextField
          name="rateCreateThing"
          label="CreateThing /s"
          type="number"
          min={1}
          defaultValue={String(DEFAULT_JOB_RATES.CreateThing)}
          errors={errors('rateCreateThing')}
        />
        <TextField
          name="rateCreateCertificateFromCsr"
          label="CreateCertificateFromCsr /s"
          type="number"
          min={1}
          defaultValue={String(DEFAULT_JOB_RATES.CreateCertificateFromCsr)}
          errors={errors('rateCreateCertificateFromCsr')}
        />
        <TextField
          name="rateAttachPolicy"
          label="AttachPolicy /s"
          type="number"
          min={1}
          defaultValue={String(DEFAULT_JOB_RATES.AttachPolicy)}
          errors={errors('rateAttachPolicy')}
        />
        <TextField
          name="rateAttachThingPrincipal"
          label="AttachThingPrincipal /s"
          type="number"
          min={1}
          defaultValue={String(DEFAULT_JOB_RATES.AttachThingPrincipal)}
          errors={errors('rateAttachThingPrincipal')}
        />
      </div>
    </details>
  );
}
