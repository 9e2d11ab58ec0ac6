import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/form';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '@/lib/aws/certificates';

const OPTIONS = [{ value: '', label: 'All statuses' }, ...CERTIFICATE_STATUSES.map((s) => ({ value: s, label: s }))];

/** A plain GET form: the filter lives in the address, so it works without JavaScript and can be shared. */
export function CertificateStatusFilter({ status }: { status: CertificateStatus | undefined }) {
  return (
    <form
      method="get"
      action="/certificates"
      className="mb-4 flex items-end gap-2"
      role="search"
      aria-label="Filter certificates"
    >
      <div className="w-56">
        <SelectField name="status" label="Status" options={OPTIONS} defaultValue={status ?? ''} />
      </div>
      <Button type="submit" variant="secondary" className="mb-5">
        Apply filter
      </Button>
    </form>
  );
}
