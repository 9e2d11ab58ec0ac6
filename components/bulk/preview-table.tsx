import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { BulkRow } from '@/lib/onboarding/bulk/rows';

const SHOWN = 500;

/** Every row of the list with its problems; rows with problems first when there are many. */
export function PreviewTable({ rows, excluded }: { rows: BulkRow[]; excluded: boolean }) {
  const ordered =
    rows.length > SHOWN
      ? [...rows].sort((a, b) => Number(b.errors.length > 0) - Number(a.errors.length > 0) || a.line - b.line)
      : rows;
  return (
    <div className="max-h-[28rem] overflow-auto">
      <Table aria-label="Preview of the devices">
        <TableHead>
          <TableRow>
            <TableHeaderCell>Line</TableHeaderCell>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell>Attributes</TableHeaderCell>
            <TableHeaderCell>Type</TableHeaderCell>
            <TableHeaderCell>Group</TableHeaderCell>
            <TableHeaderCell>Check</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {ordered.slice(0, SHOWN).map((r) => (
            <TableRow key={r.line} className={r.errors.length && excluded ? 'opacity-50' : undefined}>
              <TableCell>{r.line}</TableCell>
              <TableCell className="font-mono text-xs">{r.thingName || <em>empty</em>}</TableCell>
              <TableCell className="font-mono text-xs">
                {Object.entries(r.attributes)
                  .map(([k, v]) => `${k}=${v}`)
                  .join('; ')}
              </TableCell>
              <TableCell>{r.thingTypeName ?? ''}</TableCell>
              <TableCell>{r.thingGroupName ?? ''}</TableCell>
              <TableCell>
                {r.errors.length ? (
                  <ul className="text-xs text-red-700">
                    {r.errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                    {excluded ? <li className="text-slate-600">Left out.</li> : null}
                  </ul>
                ) : (
                  <span className="text-xs text-emerald-700">Ready</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {rows.length > SHOWN ? (
        <p className="mt-2 text-xs text-slate-600">
          Showing {SHOWN} of {rows.length} rows (rows with problems first).
        </p>
      ) : null}
    </div>
  );
}
