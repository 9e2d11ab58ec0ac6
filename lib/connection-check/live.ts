import type { CheckFix, StepStatus } from './types';

/**
 * The live half of the connection check: the device connects (a presence event for client id = thing name), its
 * first message arrives on `<thing>/#`, and a shadow round trip completes (the dashboard sets desired.check to a
 * nonce, the device reports it back). Shared by the SSE route (server) and the page (browser).
 */

export type LiveStepId = 'connected' | 'message' | 'shadow';

export interface LiveStepEvent {
  type: 'step';
  id: LiveStepId;
  status: StepStatus;
  detail: string;
  fix?: CheckFix;
  /** Epoch ms of what was observed. */
  at?: number;
}

export interface LiveDoneEvent {
  type: 'done';
  reason: 'passed' | 'timeout' | 'error';
  message?: string;
}

export type LiveEvent = LiveStepEvent | LiveDoneEvent;

export const LIVE_STEPS: readonly { id: LiveStepId; title: string }[] = [
  { id: 'connected', title: 'The device connects' },
  { id: 'message', title: 'Its first message arrives' },
  { id: 'shadow', title: 'Shadow round trip' },
];

/** How long the live check waits before it says what to look at. */
export const LIVE_TIMEOUT_MS = 180_000;

export function initialLiveSteps(thing: string, command: string): Record<LiveStepId, LiveStepEvent> {
  return {
    connected: {
      type: 'step',
      id: 'connected',
      status: 'waiting',
      detail: `Waiting for the device to connect as client id ${thing}. Start it now, for example with \`${command}\`.`,
    },
    message: { type: 'step', id: 'message', status: 'waiting', detail: `Waiting for a message on ${thing}/#.` },
    shadow: {
      type: 'step',
      id: 'shadow',
      status: 'waiting',
      detail:
        'Once the device is connected, desired.check is set to a one-time value; waiting for the device to report it back.',
    },
  };
}

export function timeoutEvent(id: LiveStepId, thing: string): LiveStepEvent {
  const minutes = LIVE_TIMEOUT_MS / 60_000;
  switch (id) {
    case 'connected':
      return {
        type: 'step',
        id,
        status: 'fail',
        detail: `No device connected as ${thing} within ${minutes} minutes.`,
        fix: {
          text: `Check that the device runs with this thing's certificate and key, uses client id ${thing}, and connects to the endpoint above; fix any failing step above first.`,
        },
      };
    case 'message':
      return {
        type: 'step',
        id,
        status: 'fail',
        detail: `No message on ${thing}/# within ${minutes} minutes.`,
        fix: {
          text: `Have the device publish on ${thing}/telemetry; check that its policy allows iot:Publish there (see the simulation above).`,
        },
      };
    case 'shadow':
      return {
        type: 'step',
        id,
        status: 'fail',
        detail: `The device did not report desired.check back within ${minutes} minutes.`,
        fix: {
          text: `The device must subscribe to $aws/things/${thing}/shadow/update/delta, merge the delta into its state and publish it as reported on $aws/things/${thing}/shadow/update. Check the shadow steps of the simulation above.`,
        },
      };
  }
}
