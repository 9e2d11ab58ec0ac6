'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';

import { activatePendingCertificateAction, refreshCasAction } from '@/app/(console)/cas/actions';
import { formatDateTime } from '@/components/certificates/format';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';

export interface PendingCertificate {
  id: string;
  caId: string;
  caLabel: string;
  /** ISO string (server -> client). */
  createdAt: string | undefined;
}

type Outcome = { state: 'working' } | { state: 'done' } | { state: 'failed'; message: string };

/** How many UpdateCertificate calls run at once (AWS's quota is 10 TPS by default). */
const CONCURRENCY = 4;

/**
 * Certificates JITR registered as PENDING_ACTIVATION: activate one, or select many and activate them with
 * progress and a result per certificate (UpdateCertificate ACTIVE each; AWS has no batch call).
 */
export function PendingCertificates({
  certificates: fromServer,
  emptyText,
}: {
  certificates: PendingCertificate[];
  emptyText: string;
}) {
  const router = useRouter();
  const toast = useToast();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [running, setRunning] = useState<{ done: number; total: number } | undefined>();
  // Certificates activated here stay listed with their result after the list refreshes (they are no longer pending).
  const [finished, setFinished] = useState<PendingCertificate[]>([]);
  const certificates = useMemo(
    () => [...fromServer, ...finished.filter((f) => !fromServer.some((c) => c.id === f.id))],
    [fromServer, finished],
  );

  const waiting = useMemo(() => certificates.filter((c) => outcomes[c.id]?.state !== 'done'), [certificates, outcomes]);
  const allSelected = waiting.length > 0 && waiting.every((c) => selected.has(c.id));

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  async function activate(ids: string[]) {
    if (ids.length === 0 || running) return;
    setRunning({ done: 0, total: ids.length });
    setFinished((f) => [...f, ...certificates.filter((c) => ids.includes(c.id) && !f.some((x) => x.id === c.id))]);
    let done = 0;
    let failedCount = 0;
    let next = 0;
    const work = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        setOutcomes((o) => ({ ...o, [id]: { state: 'working' } }));
        let result: Awaited<ReturnType<typeof activatePendingCertificateAction>>;
        try {
          result = await activatePendingCertificateAction(id);
        } catch {
          result = { ok: false, message: 'The dashboard could not be reached.' };
        }
        if (!result.ok) failedCount++;
        setOutcomes((o) => ({
          ...o,
          [id]: result.ok ? { state: 'done' } : { state: 'failed', message: result.message },
        }));
        done++;
        setRunning({ done, total: ids.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, work));
    setRunning(undefined);
    setSelected(new Set());
    const ok = ids.length - failedCount;
    if (failedCount === 0)
      toast(ok === 1 ? 'Certificate activated: the device can connect now.' : `${ok} certificates activated.`);
    else toast(`${ok} activated, ${failedCount} failed — see each row.`, 'error');
    await refreshCasAction();
    router.refresh();
  }

  if (certificates.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
        {emptyText}
      </p>
    );
  }
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="primary"
          disabled={selected.size === 0 || Boolean(running)}
          onClick={() => activate(waiting.filter((c) => selected.has(c.id)).map((c) => c.id))}
        >
          Activate selected ({selected.size})
        </Button>
        {running ? (
          <div className="flex items-center gap-2 text-sm text-slate-700" role="status" aria-live="polite">
            <progress className="h-2 w-40" max={running.total} value={running.done} aria-label="Activation progress" />
            Activating {running.done} of {running.total}…
          </div>
        ) : null}
      </div>
      <Table aria-label="Certificates waiting for activation">
        <TableHead>
          <tr>
            <TableHeaderCell className="w-10">
              <input
                type="checkbox"
                aria-label="Select all waiting certificates"
                checked={allSelected}
                onChange={() => setSelected(allSelected ? new Set() : new Set(waiting.map((c) => c.id)))}
              />
            </TableHeaderCell>
            <TableHeaderCell>Certificate</TableHeaderCell>
            <TableHeaderCell>CA</TableHeaderCell>
            <TableHeaderCell>Registered</TableHeaderCell>
            <TableHeaderCell>Result</TableHeaderCell>
            <TableHeaderCell className="text-right">Action</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {certificates.map((c) => {
            const outcome = outcomes[c.id];
            return (
              <TableRow key={c.id} data-certificate-id={c.id}>
                <TableCell>
                  <input
                    type="checkbox"
                    aria-label={`Select certificate ${c.id.slice(0, 12)}`}
                    checked={selected.has(c.id)}
                    disabled={outcome?.state === 'done'}
                    onChange={() => toggle(c.id)}
                  />
                </TableCell>
                <TableCell className="font-mono text-xs">
                  <Link href={`/certificates/${c.id}`} className="text-indigo-700 hover:underline">
                    {c.id.slice(0, 16)}…
                  </Link>
                </TableCell>
                <TableCell className="text-xs">
                  <Link href={`/cas/${c.caId}`} className="text-indigo-700 hover:underline">
                    {c.caLabel}
                  </Link>
                </TableCell>
                <TableCell className="text-xs">
                  {formatDateTime(c.createdAt ? new Date(c.createdAt) : undefined)}
                </TableCell>
                <TableCell className="text-xs" aria-live="polite">
                  {outcome?.state === 'working' ? (
                    'Activating…'
                  ) : outcome?.state === 'done' ? (
                    <span className="text-emerald-700">Activated</span>
                  ) : outcome?.state === 'failed' ? (
                    <span className="text-red-700">{outcome.message}</span>
                  ) : (
                    <span className="text-amber-700">PENDING_ACTIVATION</span>
                  )}
                </TableCell>
                <TableCell className="text-right">
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    disabled={Boolean(running) || outcome?.state === 'done'}
                    aria-label={`Activate certificate ${c.id.slice(0, 12)}`}
                    onClick={() => activate([c.id])}
                  >
                    Activate
                  </Button>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
