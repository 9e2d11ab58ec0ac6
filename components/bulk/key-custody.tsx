'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { confirmSaved, custodyOf, forgetKeys, type Custody } from '@/lib/onboarding/bulk/key-vault';
import type { DeviceRow } from '@/lib/onboarding/bulk/types';
import type { DeviceConnection } from '@/lib/bundle/connection';
import type { BulkPolicy } from '@/lib/onboarding/bulk/zip';

import { canSaveToFolder, downloadJobZip, saveJobToFolder } from './job-zip';
import { useLeaveWarning } from './use-leave-warning';

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; custody: Custody | undefined }
  | { state: 'error'; message: string };
type Busy = 'zip' | 'folder' | 'confirm' | 'discard';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const when = (ms: number) => new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Who holds the job's private keys, and the way to let them go safely: the keys stay in this browser (key-vault)
 * until the operator has saved them (a zip, or a folder) and confirms it; the zip can be saved again until then,
 * and leaving the page while keys are held asks first. Keys of devices without a certificate yet are kept for a
 * retry or resume until the operator discards them.
 */
export function KeyCustody({
  job,
  devices,
  active,
  connection,
  policy,
}: {
  job: { id: string; name: string };
  devices: readonly DeviceRow[];
  /** The job is running: its certificates are not all made yet. */
  active: boolean;
  connection?: DeviceConnection;
  policy: BulkPolicy;
}) {
  const toast = useToast();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [busy, setBusy] = useState<Busy | undefined>();
  const [asking, setAsking] = useState<'confirm' | 'discard' | undefined>();
  // Known only in the browser: decided after hydration so the server's HTML and the first render agree.
  const [folderOk, setFolderOk] = useState(false);
  useEffect(() => setFolderOk(canSaveToFolder()), []);

  const reload = useCallback(async () => {
    try {
      setLoaded({ state: 'ready', custody: await custodyOf(job.id) });
    } catch (err) {
      setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, [job.id]);
  useEffect(() => void reload(), [reload]);

  const custody = loaded.state === 'ready' ? loaded.custody : undefined;
  const held = useMemo(() => new Set(custody?.held ?? []), [custody]);
  const certified = useMemo(
    () => new Set(devices.filter((d) => d.status === 'done' && d.certificateId).map((d) => d.thingName)),
    [devices],
  );
  const savable = [...held].filter((n) => certified.has(n));
  const waiting = [...held].filter((n) => !certified.has(n));
  const downloaded = custody?.lastDownload;
  const missingFromDownload = downloaded ? savable.filter((n) => !downloaded.thingNames.includes(n)).length : 0;
  useLeaveWarning(held.size > 0);

  const run = async (kind: Busy, work: () => Promise<void>) => {
    setBusy(kind);
    try {
      await work();
    } catch (err) {
      // A cancelled folder picker is not an error.
      if (!(err instanceof DOMException && err.name === 'AbortError'))
        toast(err instanceof Error ? err.message : 'That did not work.', 'error');
    } finally {
      setBusy(undefined);
      setAsking(undefined);
      await reload();
    }
  };

  const save = (kind: 'zip' | 'folder') =>
    run(kind, async () => {
      if (!connection) return;
      const made = await (kind === 'zip' ? downloadJobZip : saveJobToFolder)(job, connection, policy);
      toast(
        `${kind === 'zip' ? 'Zip' : 'Folder'} with ${plural(made.folders, 'device folder')} and ${plural(made.withKeys.length, 'private key')} saved. Check it, then confirm below.`,
        'success',
      );
    });

  const canSave = Boolean(connection) && certified.size > 0 && !active;
  let status: string;
  if (loaded.state === 'loading') status = 'Checking this browser’s key store…';
  else if (loaded.state === 'error') status = `This browser’s key store could not be read: ${loaded.message}`;
  else if (!custody) status = 'The private keys of this job are not in this browser.';
  else if (held.size === 0)
    status = `Saved: you confirmed that ${plural(custody.savedCount, 'private key')} ${custody.savedCount === 1 ? 'was' : 'were'} saved${custody.lastSavedAt ? ` (${when(custody.lastSavedAt)})` : ''}; this browser no longer holds them.`;
  else
    status = `Not saved yet: ${plural(held.size, 'private key')} ${held.size === 1 ? 'is' : 'are'} held in this browser only.`;

  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Private keys">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-base font-semibold text-slate-900">Private keys</h2>
        <span
          data-testid="keys-status"
          data-held={held.size}
          className={held.size ? 'text-sm font-medium text-amber-800' : 'text-sm font-medium text-slate-700'}
        >
          {status}
        </span>
      </div>
      {held.size > 0 ? (
        <p className="text-sm text-slate-700">
          The keys were made in this browser and never sent anywhere. They are kept in its storage, encrypted under a
          key the browser will not export, until you confirm you saved them: reloading or closing this tab loses
          nothing, and the zip can be saved as often as you like. Clearing this site&apos;s data, or another browser,
          would not have them.
          {active ? ' The zip is available once the job has finished.' : ''}
        </p>
      ) : null}
      {custody === undefined && loaded.state === 'ready' ? (
        <Alert tone="warning" title="The private keys are not in this browser">
          They were made in another browser (or its storage was cleared), and were never sent anywhere. Open this job in
          the browser that made it. Without them the zip holds each device&apos;s certificate but no key: a device
          cannot use a certificate without its key, so delete such devices (Things page) and onboard them again.
        </Alert>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={() => void save('zip')} disabled={!canSave || busy !== undefined}>
          {busy === 'zip' ? 'Building the zip…' : 'Download the zip'}
        </Button>
        {folderOk ? (
          <Button variant="secondary" onClick={() => void save('folder')} disabled={!canSave || busy !== undefined}>
            {busy === 'folder' ? 'Writing the folders…' : 'Save to a folder…'}
          </Button>
        ) : null}
        {downloaded && downloaded.thingNames.length > 0 && !active ? (
          <Button variant="secondary" onClick={() => setAsking('confirm')} disabled={busy !== undefined}>
            I saved the bundle
          </Button>
        ) : null}
      </div>
      {downloaded ? (
        <p className="text-xs text-slate-600" data-testid="last-saved-copy">
          Last saved copy: {when(downloaded.at)}, with {plural(downloaded.thingNames.length, 'private key')}.
          {missingFromDownload
            ? ` ${plural(missingFromDownload, 'device')} finished since: save the bundle again to include their keys.`
            : ''}
        </p>
      ) : null}
      {asking === 'confirm' && downloaded ? (
        <div
          role="group"
          aria-label="Confirm the bundle was saved"
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <p>
            Delete the {plural(downloaded.thingNames.length, 'private key')} of the last saved copy from this browser?
            Do this only once the bundle is stored where you keep credentials: the keys cannot be made again.
          </p>
          <div className="flex gap-2">
            <Button variant="danger" onClick={() => void run('confirm', async () => void (await confirmSaved(job.id)))}>
              {busy === 'confirm' ? 'Deleting…' : 'Yes, I saved it: delete the keys here'}
            </Button>
            <Button variant="ghost" onClick={() => setAsking(undefined)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : null}
      {waiting.length && !active ? (
        <div className="space-y-2 text-sm text-slate-700">
          <p>
            {plural(waiting.length, 'key')} {waiting.length === 1 ? 'is' : 'are'} kept for devices without a certificate
            (pending, failed or rolled back): a retry or resume needs them.
          </p>
          {asking === 'discard' ? (
            <div role="group" aria-label="Discard keys" className="flex flex-wrap items-center gap-2">
              <span>A device retried or resumed after this would get a certificate nobody has the key for.</span>
              <Button
                variant="danger"
                onClick={() => void run('discard', async () => void (await forgetKeys(job.id, waiting)))}
              >
                Discard {plural(waiting.length, 'key')}
              </Button>
              <Button variant="ghost" onClick={() => setAsking(undefined)}>
                Cancel
              </Button>
            </div>
          ) : (
            <Button variant="ghost" onClick={() => setAsking('discard')} disabled={busy !== undefined}>
              Discard these keys…
            </Button>
          )}
        </div>
      ) : null}
    </section>
  );
}
