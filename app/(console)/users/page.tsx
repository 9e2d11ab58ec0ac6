import type { Metadata } from 'next';
import Link from 'next/link';

import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { CreateUserForm } from '@/components/users/create-user-form';
import { requireRole } from '@/lib/auth/guard';
import { signInFailuresRepository } from '@/lib/db/sign-in-failures';
import { usersRepository } from '@/lib/db/users';
import { formatAbsolute } from '@/lib/format/relative-time';
import { dashboardDatabase } from '@/lib/server/services';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users' };

/** Everyone who can sign in, a form to add someone, and the latest failed sign-ins (admins only). */
export default async function UsersPage() {
  await requireRole('admin');
  const { db } = await dashboardDatabase();
  const [users, failures] = await Promise.all([
    usersRepository(db).list(),
    signInFailuresRepository(db).recent({ limit: 25 }),
  ]);
  return (
    <div className="space-y-10">
      <PageHeader
        title="Users"
        description="Who can sign in, with which role. Viewers read; operators also onboard and download bundles; admins also manage CAs, policies, deletion, revocation and users."
      />
      <section aria-labelledby="people" className="space-y-3">
        <h2 id="people" className="text-lg font-semibold text-slate-900">
          People
        </h2>
        <Table>
          <TableHead>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>User name</TableHeaderCell>
              <TableHeaderCell>E-mail</TableHeaderCell>
              <TableHeaderCell>Role</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {users.map((u) => (
              <TableRow key={u.id}>
                <TableCell>
                  <Link
                    href={`/users/${encodeURIComponent(u.id)}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {u.name}
                  </Link>
                </TableCell>
                <TableCell>{u.username ?? '—'}</TableCell>
                <TableCell>{u.email}</TableCell>
                <TableCell>{u.role}</TableCell>
                <TableCell>{u.disabled ? 'disabled' : 'active'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </section>
      <section aria-labelledby="add" className="space-y-3">
        <h2 id="add" className="text-lg font-semibold text-slate-900">
          Add a user
        </h2>
        <CreateUserForm />
      </section>
      <section aria-labelledby="failures" className="space-y-3">
        <h2 id="failures" className="text-lg font-semibold text-slate-900">
          Recent failed sign-ins
        </h2>
        {failures.length === 0 ? (
          <p className="text-sm text-slate-600">None in the last days.</p>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Tried as</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
                <TableHeaderCell>Why</TableHeaderCell>
                <TableHeaderCell>Browser</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {failures.map((f) => (
                <TableRow key={f.id}>
                  <TableCell className="whitespace-nowrap">{formatAbsolute(f.at.getTime())}</TableCell>
                  <TableCell>{f.login}</TableCell>
                  <TableCell>{f.clientAddress || 'unknown'}</TableCell>
                  <TableCell>{f.reason.replaceAll('_', ' ')}</TableCell>
                  <TableCell className="max-w-xs truncate text-slate-500" title={f.userAgent}>
                    {f.userAgent ?? ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
    </div>
  );
}
