import { shadowTopic } from '../mqtt/reserved-topics';
import type { PlannedAction } from './types';

export const telemetryTopic = (thing: string) => `${thing}/telemetry`;
export const shadowUpdateTopic = (thing: string) => shadowTopic(thing, undefined, 'update');
export const shadowDeltaTopic = (thing: string) => shadowTopic(thing, undefined, 'update', 'delta');

/** What a device onboarded by this dashboard does: connect as its thing, publish telemetry, use its classic shadow. */
export function plannedActions(thing: string): PlannedAction[] {
  return [
    {
      id: 'connect',
      action: 'CONNECT',
      name: thing,
      resourceKind: 'client',
      essential: true,
      why: 'connect with client id = thing name',
    },
    {
      id: 'publish-telemetry',
      action: 'PUBLISH',
      name: telemetryTopic(thing),
      resourceKind: 'topic',
      essential: true,
      why: 'publish its telemetry',
    },
    {
      id: 'publish-shadow',
      action: 'PUBLISH',
      name: shadowUpdateTopic(thing),
      resourceKind: 'topic',
      essential: false,
      why: 'report its shadow',
    },
    {
      id: 'subscribe-shadow',
      action: 'SUBSCRIBE',
      name: shadowDeltaTopic(thing),
      resourceKind: 'topicfilter',
      essential: false,
      why: 'subscribe to desired changes',
    },
    {
      id: 'receive-shadow',
      action: 'RECEIVE',
      name: shadowDeltaTopic(thing),
      resourceKind: 'topic',
      essential: false,
      why: 'receive desired changes',
    },
  ];
}

export function resourceArn(
  region: string,
  accountId: string,
  kind: PlannedAction['resourceKind'],
  name: string,
): string {
  return `arn:aws:iot:${region}:${accountId}:${kind}/${name}`;
}
