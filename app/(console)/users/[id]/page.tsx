import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import {
  DisableForm,
  EndAllSessionsForm,
  EndSessionButton,
  ResetPasswordForm,
  RoleForm,
} from '@/components/users/user-forms';
import { requireRole } from '@/lib/auth/guard';
import { usersRepository } from '@/lib/db/users';
import { formatAbsolute } from '@/lib/format/relative-time';
import { dashboardDatabase } from '@/lib/server/services';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'User' };

/** One user: role, disable, password, and their sessions (each can be ended; admins only). */
export default async function UserPage(props: { params: Promise<{ id: string }> }) {
  const operator = await requireRole('admin');
  const { id } = await props.params;
  const repo = usersRepository((await dashboardDatabase()).db);
  const user = await repo.byId(decodeURIComponent(id)).catch(() => undefined);
  if (!user) notFound();
  const [sessions, everyone] = await Promise.all([repo.sessions(user.id), repo.list()]);
  const enabledAdmins = everyone.filter((u) => u.role === 'admin' && !u.disabled).length;
  const lastAdmin = user.role === 'admin' && !user.disabled && enabledAdmins <= 1;
  return (
    <div className="max-w-4xl space-y-10">
      <PageHeader
        title={user.name}
        description={`${user.username ?? user.email} · ${user.email} · ${user.role}${user.disabled ? ' · disabled' : ''}`}
        actions={<ButtonLink href="/users">All users</ButtonLink>}
      />
      <div className="grid gap-8 md:grid-cols-3">
        <RoleForm userId={user.id} role={user.role} lastAdmin={lastAdmin} />
        <DisableForm userId={user.id} disabled={user.disabled} lastAdmin={lastAdmin} />
        <ResetPasswordForm userId={user.id} />
      </div>
      <section aria-labelledby="sessions" className="space-y-3">
        <h2 id="sessions" className="text-lg font-semibold text-slate-900">
          Sessions
        </h2>
        {sessions.length === 0 ? (
          <p className="text-sm text-slate-600">No session: they are not signed in anywhere.</p>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableHeaderCell>Signed in</TableHeaderCell>
                <TableHeaderCell>Last used</TableHeaderCell>
                <TableHeaderCell>Ends unless used</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
                <TableHeaderCell>Browser</TableHeaderCell>
                <TableHeaderCell>
                  <span className="sr-only">End</span>
                </TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {sessions.map((s) => (
                <TableRow key={s.id}>
                  <TableCell className="whitespace-nowrap">{formatAbsolute(s.createdAt.getTime())}</TableCell>
                  <TableCell className="whitespace-nowrap">{formatAbsolute(s.lastUsedAt.getTime())}</TableCell>
                  <TableCell className="whitespace-nowrap">{formatAbsolute(s.expiresAt.getTime())}</TableCell>
                  <TableCell>{s.clientAddress ?? 'unknown'}</TableCell>
                  <TableCell className="max-w-xs truncate text-slate-500" title={s.userAgent}>
                    {s.userAgent ?? ''}
                  </TableCell>
                  <TableCell>
                    <EndSessionButton
                      userId={user.id}
                      sessionId={s.id}
                      label={s.id === operator.sessionId ? 'End (this session)' : 'End'}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <EndAllSessionsForm userId={user.id} count={sessions.length} />
      </section>
    </div>
  );
}
