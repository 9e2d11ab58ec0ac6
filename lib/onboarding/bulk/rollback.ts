import { undoCalls } from '../steps';
import type { Created } from '../types';
import { messageOf } from './call';
import type { DeviceContext, DeviceRecord } from './device';
import { StoreClosedError } from './store';
import type { DeviceInput, DeviceState } from './types';

/**
 * A failed bulk device undone, newest first, with the table's undo calls (lib/onboarding/steps.ts): detach
 * the principal, detach the policy, deactivate and delete the certificate, delete the thing. Each undo is
 * journalled (in flight, then done), so a restart carries on where it stopped. A certificate is deleted only
 * once nothing is left attached to it, and the thing only once its certificate is detached (AWS's order);
 * what cannot be undone is named, and the device is `failed` instead of `rolled-back`.
 */
export async function rollbackDevice(ctx: DeviceContext, rec: DeviceRecord, input: DeviceInput): Promise<void> {
  const undone = [...(rec.state.rollback?.undone ?? [])];
  const left: { what: string; message: string }[] = [];
  const record = (patch: Partial<DeviceState>, pem?: null) => {
    rec.save(
      { ...patch, rollback: { undone: [...undone], left: [...left] } },
      pem === null ? { pem: null } : undefined,
    );
  };
  const undo = async (what: string, item: Created, patch: Partial<DeviceState>, pem?: null) => {
    record({ inflight: { step: 'rollback', at: ctx.now() } });
    try {
      for (const c of undoCalls(ctx.aws, item)) await ctx.call(c.operation, c.run);
      undone.push(what);
      record({ ...patch, inflight: undefined }, pem);
    } catch (err) {
      if (ctx.isDead() || err instanceof StoreClosedError) throw err;
      left.push({ what, message: messageOf(err) });
      record({ inflight: undefined });
    }
  };

  const { policyName } = ctx;
  const { thingName } = input;
  const arn = rec.state.certificateArn;
  if (rec.state.principalAttached && arn) {
    await undo(
      'certificate detached from the thing',
      { kind: 'thing-principal', thingName, certificateArn: arn },
      { principalAttached: undefined },
    );
  }
  if (rec.state.policyAttached && arn) {
    await undo(
      `policy ${policyName} detached`,
      { kind: 'policy-attachment', policyName, certificateArn: arn },
      { policyAttached: undefined },
    );
  }
  const certificateId = rec.state.certificateId;
  if (certificateId && left.length === 0) {
    await undo(
      `certificate ${certificateId.slice(0, 12)}…`,
      { kind: 'certificate', certificateId, certificateArn: arn ?? '' },
      { certificateId: undefined, certificateArn: undefined },
      null,
    );
  } else if (certificateId) {
    left.push({ what: `certificate ${certificateId.slice(0, 12)}…`, message: 'still attached, so it was not deleted' });
  }
  if (rec.state.thingCreated && !rec.state.principalAttached) {
    await undo(
      `thing ${thingName}`,
      { kind: 'thing', thingName },
      { thingCreated: undefined, thingArn: undefined, groupAdded: undefined },
    );
  } else if (rec.state.thingCreated) {
    left.push({ what: `thing ${thingName}`, message: 'a certificate is still attached, so it was not deleted' });
  }
  if (rec.state.requeue && left.length === 0) {
    record({ status: 'pending', requeue: undefined, finishedAt: undefined });
    rec.save({ rollback: undefined });
    return;
  }
  record({ status: left.length ? 'failed' : 'rolled-back', finishedAt: ctx.now(), requeue: undefined });
}
