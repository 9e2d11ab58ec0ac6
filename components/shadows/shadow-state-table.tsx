'use client';

import { useMemo } from 'react';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { flattenShadow, formatValue, type FieldCell } from '@/lib/shadows/flatten';
import { fieldSync, type ShadowView } from '@/lib/shadows/view';

import { RelativeTime } from './relative-time';

function Cell({ cell, label }: { cell: FieldCell | undefined; label: string }) {
  if (!cell)
    return (
      <span role="img" className="text-slate-400" aria-label={`no ${label} value`}>
        —
      </span>
    );
  return (
    <div className="space-y-0.5">
      <code className="font-mono text-xs break-all text-slate-900">{formatValue(cell.value)}</code>
      {cell.updatedAt !== undefined ? (
        <div className="text-xs text-slate-500">
          <RelativeTime epochMs={cell.updatedAt * 1000} />
        </div>
      ) : null}
    </div>
  );
}

/** Desired, reported and delta of every field side by side, each with when it was last written. */
export function ShadowStateTable({ view }: { view: ShadowView }) {
  const rows = useMemo(() => flattenShadow(view.state, view.metadata), [view.state, view.metadata]);
  if (rows.length === 0) {
    return (
      <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
        The shadow exists but holds no fields yet. Edit the desired state below, or let the device report.
      </p>
    );
  }
  return (
    <Table aria-label="Shadow state">
      <TableHead>
        <tr>
          <TableHeaderCell>Field</TableHeaderCell>
          <TableHeaderCell>Desired</TableHeaderCell>
          <TableHeaderCell>Reported</TableHeaderCell>
          <TableHeaderCell>Delta</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={JSON.stringify(row.keys)} className={row.delta !== undefined ? 'bg-amber-50/60' : undefined}>
            <TableCell>
              <code className="font-mono text-xs font-semibold text-slate-900">{row.path}</code>
            </TableCell>
            <TableCell>
              <Cell cell={row.desired} label="desired" />
            </TableCell>
            <TableCell>
              <Cell cell={row.reported} label="reported" />
            </TableCell>
            <TableCell>
              {fieldSync(row) === 'pending' ? (
                <code
                  className="font-mono text-xs text-amber-800"
                  title="The device has not reported this desired value yet"
                >
                  {formatValue(row.delta)}
                </code>
              ) : fieldSync(row) === 'in-sync' ? (
                <span className="text-xs text-emerald-700">in sync</span>
              ) : (
                <span className="text-xs text-slate-500" title="The device reports this field; no value is desired">
                  no desired value
                </span>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
