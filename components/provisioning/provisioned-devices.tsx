import Link from 'next/link';

import { formatDate } from '@/components/policies/format';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { ProvisionedDevices as Devices } from '@/lib/provisioning/provisioned';

const SOURCE = {
  'fleet-indexing': 'connectivity from fleet indexing',
  'presence-events': 'connectivity from lifecycle events since the dashboard started',
} as const;

/** The things a template made, newest first, with when and whether they have connected since. */
export function ProvisionedDevices({ result }: { result: Devices }) {
  const { devices } = result;
  const connected = devices.filter((d) => d.connected).length;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700" data-testid="provisioned-summary">
        {devices.length} provisioned{result.truncated ? ' (the newest shown; more exist)' : ''}, {connected} connected
        {result.statusSource ? ` (${SOURCE[result.statusSource]})` : ' (connectivity unknown: no source answers)'}.
      </p>
      {devices.length ? (
        <Table aria-label="Provisioned devices">
          <TableHead>
            <tr>
              <TableHeaderCell>Thing</TableHeaderCell>
              <TableHeaderCell>Provisioned</TableHeaderCell>
              <TableHeaderCell>Connected</TableHeaderCell>
              <TableHeaderCell>Certificate</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {devices.map((d) => (
              <TableRow key={d.thingName}>
                <TableCell className="font-medium">
                  <Link href={`/things/${encodeURIComponent(d.thingName)}`} className="text-indigo-700 hover:underline">
                    {d.thingName}
                  </Link>
                </TableCell>
                <TableCell className="whitespace-nowrap text-slate-600">{formatDate(d.provisionedAt)}</TableCell>
                <TableCell>
                  {d.connected === undefined ? 'Unknown' : d.connected ? 'Connected' : 'Not connected'}
                </TableCell>
                <TableCell className="font-mono text-xs text-slate-600">
                  {d.certificateId ? (
                    <Link href={`/certificates/${d.certificateId}`} className="hover:underline">
                      {d.certificateId.slice(0, 12)}…
                    </Link>
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <p className="text-sm text-slate-600">
          No device has provisioned itself with this template yet (things are found by their provisioningTemplate
          attribute, which the presets set).
        </p>
      )}
    </div>
  );
}
