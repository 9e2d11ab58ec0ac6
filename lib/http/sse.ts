/**
 * Server-Sent Events for route handlers: one place for the framing (`event: <type>` + `data: <json>`), the
 * keep-alive comment that stops proxies from closing an idle stream, and the clean-up when the tab goes
 * away (the request is aborted), the reader cancels, or the route ends the stream itself.
 */

/** Every event carries its SSE event name in `type`; the browser listens with addEventListener(type). */
export interface SseEvent {
  type: string;
}

export interface SseChannel<E extends SseEvent> {
  /** Sends one event; after the stream closed it does nothing. */
  send(event: E): void;
  /** Ends the stream and runs the clean-ups (once; later calls do nothing). */
  close(): void;
  /** Runs `cleanup` when the stream ends, however it ends (at once if it already has). */
  onClose(cleanup: () => void): void;
  readonly closed: boolean;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx buffers responses by default, which would hold events back.
  'x-accel-buffering': 'no',
};

const HEARTBEAT_MS = 15_000;

/** One event as SSE text. */
export function sseFrame(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * A streaming response whose events `start` sends through the channel. `start` runs once the stream is
 * open; what it sets up it hands to `channel.onClose`. A throw from `start` ends the stream.
 */
export function sseResponse<E extends SseEvent>(
  request: Request,
  start: (channel: SseChannel<E>) => void | Promise<void>,
  opts: { heartbeatMs?: number } = {},
): Response {
  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;

  const end = (closeStream: boolean) => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // one failing clean-up must not keep the others from running
      }
    }
    if (closeStream) {
      try {
        controller?.close();
      } catch {
        // already closed or cancelled
      }
    }
  };
  const write = (text: string) => {
    if (closed || !controller) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      end(true); // the reader is gone
    }
  };

  const channel: SseChannel<E> = {
    send: (event) => write(sseFrame(event)),
    close: () => end(true),
    onClose: (cleanup) => {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    get closed() {
      return closed;
    },
  };

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      const onAbort = () => end(true);
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => request.signal.removeEventListener('abort', onAbort));
      // Not awaited: events flow as soon as they are sent, not once `start` has finished.
      Promise.resolve()
        .then(() => start(channel))
        .catch(() => end(true));
    },
    cancel() {
      end(false);
    },
  });

  return new Response(stream, { headers: SSE_HEADERS });
}
