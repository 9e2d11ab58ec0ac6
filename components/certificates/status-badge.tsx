import { cn } from '@/components/ui/cn';
import type { CertificateStatus } from '@/lib/aws/certificates';

const STYLES: Record<CertificateStatus, string> = {
  ACTIVE: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  INACTIVE: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  REVOKED: 'bg-red-50 text-red-800 ring-red-600/20',
  PENDING_TRANSFER: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  REGISTER_INACTIVE: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  PENDING_ACTIVATION: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

/** A certificate's status as AWS IoT names it (only ACTIVE certificates can connect). */
export function CertificateStatusBadge({ status }: { status: CertificateStatus }) {
  return (
    <span
      className={cn(
        'inline-flex items-center rounded-md px-2 py-0.5 font-mono text-xs font-medium ring-1 ring-inset',
        STYLES[status],
      )}
      data-status={status}
    >
      {status}
    </span>
  );
}
