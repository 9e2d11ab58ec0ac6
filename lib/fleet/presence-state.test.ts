import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  applyPresenceEvent,
  applySnapshot,
  countPresence,
  parsePresenceEvent,
  viewOf,
  type PresenceEvent,
  type PresenceTable,
} from './presence-state';

const connected = (timestamp: number, versionNumber: number, session = 's1'): PresenceEvent => ({
  clientId: 'dev',
  eventType: 'connected',
  timestamp,
  versionNumber,
  sessionIdentifier: session,
});
const disconnected = (
  timestamp: number,
  versionNumber: number,
  reason = 'CLIENT_INITIATED_DISCONNECT',
  session = 's1',
): PresenceEvent => ({
  clientId: 'dev',
  eventType: 'disconnected',
  timestamp,
  versionNumber,
  sessionIdentifier: session,
  disconnectReason: reason,
});

describe('presence state', () => {
  test('a client never heard of is unknown, not disconnected', () => {
    assert.deepEqual(viewOf(new Map(), 'dev'), { clientId: 'dev', status: 'unknown' });
  });

  test('connect then disconnect: disconnected, with the reason and the time', () => {
    const table: PresenceTable = new Map();
    applyPresenceEvent(table, connected(1000, 1));
    assert.equal(viewOf(table, 'dev').status, 'connected');
    applyPresenceEvent(table, disconnected(2000, 2, 'MQTT_KEEP_ALIVE_TIMEOUT'));
    assert.deepEqual(viewOf(table, 'dev'), {
      clientId: 'dev',
      status: 'disconnected',
      lastSeen: 2000,
      lastDisconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
  });

  test('out of order: an older event arriving late changes nothing', () => {
    const table: PresenceTable = new Map();
    applyPresenceEvent(table, connected(3000, 3, 's2'));
    assert.equal(applyPresenceEvent(table, disconnected(2000, 2)), false);
    assert.equal(applyPresenceEvent(table, connected(1000, 1)), false);
    assert.deepEqual(viewOf(table, 'dev'), { clientId: 'dev', status: 'connected', lastSeen: 3000 });
  });

  test('duplicates change nothing', () => {
    const table: PresenceTable = new Map();
    assert.equal(applyPresenceEvent(table, connected(1000, 1)), true);
    assert.equal(applyPresenceEvent(table, connected(1000, 1)), false);
    applyPresenceEvent(table, disconnected(2000, 2));
    assert.equal(applyPresenceEvent(table, disconnected(2000, 2)), false);
    assert.equal(viewOf(table, 'dev').status, 'disconnected');
  });

  test('same millisecond: the version number decides', () => {
    const table: PresenceTable = new Map();
    applyPresenceEvent(table, disconnected(1000, 2));
    assert.equal(applyPresenceEvent(table, connected(1000, 1)), false);
    assert.equal(viewOf(table, 'dev').status, 'disconnected');
    applyPresenceEvent(table, connected(1000, 3, 's2'));
    assert.equal(viewOf(table, 'dev').status, 'connected');
  });

  test('the old session ending after a takeover does not disconnect the new one', () => {
    const table: PresenceTable = new Map();
    applyPresenceEvent(table, connected(1000, 1, 'old'));
    applyPresenceEvent(table, connected(2000, 2, 'new'));
    assert.equal(applyPresenceEvent(table, disconnected(2001, 3, 'DUPLICATE_CLIENTID', 'old')), false);
    assert.equal(viewOf(table, 'dev').status, 'connected');
  });

  test('a start-up snapshot says connected without a time; any event wins over it', () => {
    const table: PresenceTable = new Map();
    applySnapshot(table, ['dev', 'other']);
    assert.deepEqual(viewOf(table, 'dev'), { clientId: 'dev', status: 'connected' });
    applyPresenceEvent(table, disconnected(5, 1));
    assert.equal(viewOf(table, 'dev').status, 'disconnected');
    applySnapshot(table, ['dev']);
    assert.equal(viewOf(table, 'dev').status, 'disconnected', 'a later snapshot does not override an event');
    assert.deepEqual(countPresence(table), { connected: 1, disconnected: 1 });
    assert.deepEqual(
      countPresence(table, (id) => id === 'other'),
      { connected: 1, disconnected: 0 },
    );
  });

  test('parsing lifecycle messages', () => {
    const event = parsePresenceEvent(
      '$aws/events/presence/disconnected/dev-1',
      JSON.stringify({
        clientId: 'dev-1',
        timestamp: 1700000000000,
        eventType: 'disconnected',
        versionNumber: 4,
        sessionIdentifier: 'x',
        disconnectReason: 'CONNECTION_LOST',
      }),
    );
    assert.deepEqual(event, {
      clientId: 'dev-1',
      eventType: 'disconnected',
      timestamp: 1700000000000,
      versionNumber: 4,
      sessionIdentifier: 'x',
      disconnectReason: 'CONNECTION_LOST',
    });
    assert.equal(parsePresenceEvent('$aws/events/presence/connected/dev-1', 'not json'), undefined);
    assert.equal(parsePresenceEvent('$aws/events/presence/connected/dev-1', '{"clientId":"dev-1"}'), undefined);
    assert.equal(parsePresenceEvent('dev-1/telemetry', '{}'), undefined);
  });
});
