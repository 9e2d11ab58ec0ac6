import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sseFrame, sseResponse, type SseChannel } from './sse';

type Ev = { type: 'tick'; n: number } | { type: 'done' };

async function readAll(res: Response): Promise<string> {
  return new Response(res.body).text();
}

describe('server-sent events', () => {
  test('an event is framed with its type as the event name and itself as JSON data', () => {
    assert.equal(
      sseFrame({ type: 'step', id: 'x' } as { type: string }),
      'event: step\ndata: {"type":"step","id":"x"}\n\n',
    );
  });

  test('events flow until the route closes the stream; clean-ups run once', async () => {
    let cleaned = 0;
    const res = sseResponse<Ev>(new Request('http://x/'), (channel) => {
      channel.onClose(() => cleaned++);
      channel.send({ type: 'tick', n: 1 });
      channel.send({ type: 'done' });
      channel.close();
      channel.close();
      channel.send({ type: 'tick', n: 2 }); // after close: dropped
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    assert.equal(await readAll(res), `${sseFrame({ type: 'tick', n: 1 } as Ev)}${sseFrame({ type: 'done' })}`);
    assert.equal(cleaned, 1);
  });

  test('the tab going away (request aborted) ends the stream and runs the clean-ups', async () => {
    const abort = new AbortController();
    let channel: SseChannel<Ev> | undefined;
    let cleaned = false;
    const res = sseResponse<Ev>(new Request('http://x/', { signal: abort.signal }), (c) => {
      channel = c;
      c.onClose(() => (cleaned = true));
      c.send({ type: 'tick', n: 1 });
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /event: tick/);
    abort.abort();
    assert.equal((await reader.read()).done, true);
    assert.equal(cleaned, true);
    assert.equal(channel?.closed, true);
  });

  test('the reader cancelling runs the clean-ups too; an idle stream gets keep-alive comments', async () => {
    let cleaned = false;
    const res = sseResponse<Ev>(
      new Request('http://x/'),
      (c) => {
        c.onClose(() => (cleaned = true));
      },
      { heartbeatMs: 10 },
    );
    const reader = res.body!.getReader();
    const beat = await reader.read();
    assert.equal(new TextDecoder().decode(beat.value), ': keep-alive\n\n');
    await reader.cancel();
    assert.equal(cleaned, true);
  });

  test('a start that throws ends the stream', async () => {
    const res = sseResponse<Ev>(new Request('http://x/'), () => {
      throw new Error('boom');
    });
    assert.equal(await readAll(res), '');
  });
});
