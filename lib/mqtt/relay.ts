/**
 * Between a server-side MQTT session and a browser tab: messages are batched (one SSE event per
 * `flushEveryMs`) and, above `maxPerSecond`, shed rather than queued, so a flood cannot grow memory or
 * freeze the page. The number shed is counted and sent with every batch, so the page can say so.
 */
export interface RelayedMessage {
  /** Increasing per session, so the page can key and order rows. */
  id: number;
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** UTF-8 text when the payload is valid UTF-8, else base64. */
  payload: string;
  encoding: 'utf8' | 'base64';
  /** Server clock, epoch ms, when the session received it. */
  receivedAt: number;
}

export interface RelayBatch {
  messages: RelayedMessage[];
  /** Messages shed since the session began. */
  dropped: number;
}

export interface RelayOptions {
  flushEveryMs?: number;
  maxPerSecond?: number;
  now?: () => number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodePayload(bytes: Uint8Array): { payload: string; encoding: 'utf8' | 'base64' } {
  try {
    return { payload: decoder.decode(bytes), encoding: 'utf8' };
  } catch {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return { payload: btoa(binary), encoding: 'base64' };
  }
}

export class MessageRelay {
  private pending: RelayedMessage[] = [];
  private nextId = 1;
  private dropped = 0;
  private droppedSent = 0;
  private windowStart = 0;
  private inWindow = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly flushEveryMs: number;
  private readonly maxPerSecond: number;
  private readonly now: () => number;

  constructor(
    private readonly sink: (batch: RelayBatch) => void,
    opts: RelayOptions = {},
  ) {
    this.flushEveryMs = opts.flushEveryMs ?? 75;
    this.maxPerSecond = opts.maxPerSecond ?? 5000;
    this.now = opts.now ?? Date.now;
    this.timer = setInterval(() => this.flush(), this.flushEveryMs);
    this.timer.unref?.();
  }

  push(topic: string, payload: Uint8Array, qos: 0 | 1 | 2, retain: boolean): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.maxPerSecond) {
      this.dropped++;
      return;
    }
    this.inWindow++;
    this.pending.push({ id: this.nextId++, topic, qos, retain, receivedAt: t, ...decodePayload(payload) });
  }

  /** Sends what is pending (and a changed drop count even with nothing pending). */
  flush(): void {
    if (this.pending.length === 0 && this.dropped === this.droppedSent) return;
    const messages = this.pending;
    this.pending = [];
    this.droppedSent = this.dropped;
    this.sink({ messages, dropped: this.dropped });
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
