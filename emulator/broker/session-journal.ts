import fs from 'node:fs';
import path from 'node:path';
import type { Aedes } from 'aedes';

/**
 * Persistent sessions that outlive the emulator: the subscriptions of every session that is not clean and
 * the QoS 1 messages queued for it are kept by aedes's in-memory persistence, and every change to them is
 * also appended to `<dataDir>/broker/sessions.jsonl` (batched per event-loop turn). At start the file is
 * replayed into aedes before any client connects, then rewritten as a compact snapshot.
 *
 * Only sessions that outlive their connection reach the persistence (aedes stores subscriptions and
 * queues messages for those alone), so clean sessions cost nothing here.
 *
 * aedes asks for a client's queued messages on every connect (and at the end of a session), and the
 * in-memory persistence answers with a new stream each time, which aedes pipes through a stream of its
 * own: for the clean sessions that make most connections, all for an empty queue. Messages queued per
 * client are counted here as they are queued and cleared, and an empty queue is answered with an empty
 * list (aedes's pipeline takes any iterable).
 */
interface SubRecord {
  topic: string;
  qos: number;
  rh?: number;
  rap?: boolean;
  nl?: boolean;
}

interface StoredPacket {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
  brokerId: string;
  brokerCounter: number;
  messageId?: number;
  properties?: unknown;
  messageExpiry?: number;
}

export interface StoredSession {
  subs: Map<string, SubRecord>;
  queue: StoredPacket[];
  /** When it ends if its client stays away; undefined while connected. */
  expiresAt?: number;
  /** Its Session Expiry Interval in seconds, as granted at its last CONNECT. */
  interval?: number;
}

type Op =
  | { op: 'sub'; c: string; s: SubRecord[] }
  | { op: 'unsub'; c: string; t: string[] }
  | { op: 'clean'; c: string }
  | { op: 'enq'; c: string[]; p: StoredPacket }
  | { op: 'upd'; c: string; b: string; n: number; m: number }
  | { op: 'clr'; c: string; m: number | undefined }
  | { op: 'exp'; c: string; at?: number; i?: number };

type Persistence = Record<string, (...args: never[]) => Promise<unknown>> & {
  outgoingStream(client: { id: string }): Iterable<unknown> | AsyncIterable<unknown>;
};

/** Buffers inside properties (correlation data) survive JSON as `{type: 'Buffer', data}`. */
const revive = (_k: string, v: unknown) =>
  v &&
  typeof v === 'object' &&
  (v as { type?: string }).type === 'Buffer' &&
  Array.isArray((v as { data?: unknown }).data)
    ? Buffer.from((v as { data: number[] }).data)
    : v;

const COMPACT_AFTER_LINES = 100_000;

export class SessionJournal {
  readonly sessions = new Map<string, StoredSession>();
  /**
   * Messages in aedes's queue per client id: counted up when a message is queued (the persistence queues
   * it at once) and down once a clear is confirmed, so it is never below the queue's length.
   */
  private readonly queued = new Map<string, number>();
  private pending: string[] = [];
  private flushScheduled = false;
  private linesSinceCompaction = 0;
  private closed = false;
  private persistence!: Persistence;
  private original!: Record<string, (...args: unknown[]) => Promise<unknown>>;

  constructor(private readonly file: string | null) {}

  /** Replays the journal into `aedes`'s persistence and records every later change. */
  async attach(aedes: Aedes): Promise<void> {
    this.persistence = (aedes as unknown as { persistence: Persistence }).persistence;
    const p = this.persistence as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const names = ['addSubscriptions', 'removeSubscriptions', 'cleanSubscriptions'] as const;
    const more = ['outgoingEnqueue', 'outgoingEnqueueCombi', 'outgoingUpdate', 'outgoingClearMessageId'] as const;
    this.original = Object.fromEntries([...names, ...more].map((n) => [n, p[n]!.bind(p)]));
    if (this.file) {
      this.replay();
      await this.load();
      this.compact();
    }
    type C = { id: string };
    type Sub = { clientId: string };
    type Pkt = StoredPacket & { payload: Buffer | string };
    const outgoingStream = this.persistence.outgoingStream.bind(this.persistence);
    this.persistence.outgoingStream = (client) => (this.queued.get(client.id) ? outgoingStream(client) : []);
    p.addSubscriptions = async (client, subs) => {
      await this.original.addSubscriptions!(client, subs);
      const s = (subs as SubRecord[]).map(({ topic, qos, rh, rap, nl }) => ({ topic, qos, rh, rap, nl }));
      this.record({ op: 'sub', c: (client as C).id, s });
    };
    p.removeSubscriptions = async (client, topics) => {
      await this.original.removeSubscriptions!(client, topics);
      if (this.sessions.has((client as C).id)) this.record({ op: 'unsub', c: (client as C).id, t: topics as string[] });
    };
    p.cleanSubscriptions = async (client) => {
      await this.original.cleanSubscriptions!(client);
      if (this.sessions.has((client as C).id)) this.record({ op: 'clean', c: (client as C).id });
    };
    p.outgoingEnqueue = async (sub, packet) => {
      this.countQueued((sub as Sub).clientId, 1);
      await this.original.outgoingEnqueue!(sub, packet);
      this.record({ op: 'enq', c: [(sub as Sub).clientId], p: stored(packet as Pkt) });
    };
    // Every QoS 1 PUBLISH passes here, mostly with no offline session to queue it for: then nothing is
    // recorded and no promise is added to aedes's own.
    p.outgoingEnqueueCombi = (subs, packet) => {
      const ids = (subs as Sub[]).map((s) => s.clientId);
      for (const id of ids) this.countQueued(id, 1);
      const queued = this.original.outgoingEnqueueCombi!(subs, packet);
      if (ids.length === 0) return queued;
      return queued.then(() => this.record({ op: 'enq', c: ids, p: stored(packet as Pkt) }));
    };
    p.outgoingUpdate = async (client, packet) => {
      await this.original.outgoingUpdate!(client, packet);
      const { brokerId: b, brokerCounter: n, messageId: m } = packet as Pkt;
      if (this.sessions.has((client as C).id)) this.record({ op: 'upd', c: (client as C).id, b, n, m: m! });
    };
    p.outgoingClearMessageId = async (client, packet) => {
      const out = await this.original.outgoingClearMessageId!(client, packet);
      const id = (client as C).id;
      if (out) this.countQueued(id, -1);
      if (out && this.sessions.has(id)) this.record({ op: 'clr', c: id, m: (packet as Pkt).messageId });
      return out;
    };
  }

  private countQueued(clientId: string, by: number) {
    const n = (this.queued.get(clientId) ?? 0) + by;
    if (n > 0) this.queued.set(clientId, n);
    else this.queued.delete(clientId);
  }

  /** Records when a session ends if its client stays away (undefined: connected) and its interval. */
  setExpiry(clientId: string, at: number | undefined, interval?: number) {
    if (!this.sessions.has(clientId) && at === undefined && interval === undefined) return;
    this.record({ op: 'exp', c: clientId, at, i: interval });
  }

  /** Ends a session: its subscriptions and queued messages go from aedes and from the journal. */
  async wipe(clientId: string): Promise<void> {
    const client = { id: clientId };
    const p = this.persistence as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await p.cleanSubscriptions!(client);
    for await (const packet of this.persistence.outgoingStream(client)) await p.outgoingClearMessageId!(client, packet);
    if (this.sessions.delete(clientId)) this.write({ op: 'clean', c: clientId });
  }

  /** Writes what is pending; later changes (a closing broker's last events) are no longer recorded. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  flush(): void {
    this.flushScheduled = false;
    if (!this.file || this.closed || this.pending.length === 0) return;
    try {
      fs.appendFileSync(this.file, this.pending.join(''));
    } catch {
      // The data directory went away under a running emulator; sessions stay in memory only.
    }
    this.linesSinceCompaction += this.pending.length;
    this.pending = [];
    if (this.linesSinceCompaction > COMPACT_AFTER_LINES) this.compact();
  }

  private record(op: Op) {
    apply(this.sessions, op);
    this.write(op);
  }

  private write(op: Op) {
    if (!this.file || this.closed) return;
    this.pending.push(`${JSON.stringify(op)}\n`);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private replay() {
    let text = '';
    try {
      text = fs.readFileSync(this.file!, 'utf8');
    } catch {
      return; // no sessions yet
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        apply(this.sessions, JSON.parse(line, revive) as Op);
      } catch {
        // A line cut short by a crash ends the journal; what came before it stands.
      }
    }
  }

  /** Puts the replayed sessions into aedes's persistence (before any client connects). */
  private async load() {
    for (const [id, s] of this.sessions) {
      if (s.subs.size) await this.original.addSubscriptions!({ id }, [...s.subs.values()]);
      for (const packet of s.queue) {
        this.countQueued(id, 1);
        await this.original.outgoingEnqueue!(
          { clientId: id },
          { ...packet, payload: Buffer.from(packet.payload, 'base64') },
        );
        if (packet.messageId !== undefined) await this.original.outgoingUpdate!({ id }, packet).catch(() => {});
      }
    }
  }

  /** Rewrites the journal as the ops that rebuild the current sessions. */
  private compact() {
    const lines: string[] = [];
    for (const [c, s] of this.sessions) {
      if (s.subs.size) lines.push(JSON.stringify({ op: 'sub', c, s: [...s.subs.values()] }));
      for (const p of s.queue) lines.push(JSON.stringify({ op: 'enq', c: [c], p }));
      if (s.expiresAt !== undefined || s.interval !== undefined) {
        lines.push(JSON.stringify({ op: 'exp', c, at: s.expiresAt, i: s.interval }));
      }
    }
    fs.mkdirSync(path.dirname(this.file!), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, lines.map((l) => `${l}\n`).join(''));
    fs.renameSync(tmp, this.file!);
    this.linesSinceCompaction = 0;
  }
}

function stored(packet: StoredPacket & { payload: Buffer | string }): StoredPacket {
  const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload ?? '');
  return {
    topic: packet.topic,
    payload: payload.toString('base64'),
    qos: packet.qos,
    retain: Boolean(packet.retain),
    brokerId: packet.brokerId,
    brokerCounter: packet.brokerCounter,
    ...(packet.properties ? { properties: packet.properties } : {}),
    ...(packet.messageExpiry !== undefined ? { messageExpiry: packet.messageExpiry } : {}),
  };
}

function apply(sessions: Map<string, StoredSession>, op: Op) {
  const get = (c: string) => {
    let s = sessions.get(c);
    if (!s) sessions.set(c, (s = { subs: new Map(), queue: [] }));
    return s;
  };
  switch (op.op) {
    case 'sub':
      for (const sub of op.s) get(op.c).subs.set(sub.topic, sub);
      return;
    case 'unsub':
      for (const t of op.t) sessions.get(op.c)?.subs.delete(t);
      return;
    case 'clean': {
      const s = sessions.get(op.c);
      if (s) s.subs.clear();
      if (s && s.queue.length === 0) sessions.delete(op.c);
      return;
    }
    case 'enq':
      for (const c of op.c) get(c).queue.push({ ...op.p });
      return;
    case 'upd': {
      const q = sessions.get(op.c)?.queue;
      const hit = q?.find((p) => p.brokerId === op.b && p.brokerCounter === op.n);
      if (hit) hit.messageId = op.m;
      return;
    }
    case 'clr': {
      const s = sessions.get(op.c);
      const i = s ? s.queue.findIndex((p) => p.messageId === op.m) : -1;
      if (s && i >= 0) s.queue.splice(i, 1);
      if (s && s.queue.length === 0 && s.subs.size === 0) sessions.delete(op.c);
      return;
    }
    case 'exp': {
      const s = get(op.c);
      s.expiresAt = op.at;
      if (op.i !== undefined) s.interval = op.i;
      return;
    }
  }
}
