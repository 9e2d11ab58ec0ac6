import fs from 'node:fs';
import path from 'node:path';

/**
 * Durable state on disk: `snapshot.json` (the whole state at some moment) plus `journal.jsonl`
 * (one line per committed transaction since then).
 *
 * A transaction is written to the journal with a synchronous write(2) before the request that made it
 * is answered, so a crash of the process at any moment (SIGKILL included) loses nothing that was
 * acknowledged: the bytes are in the kernel's page cache. The journal is also fdatasync'ed shortly after
 * each burst of writes, which bounds what a power loss could take. A torn last line (the process died
 * inside the write) belongs to a request that was never answered; replay drops it.
 */
export type Mutation = [collection: string, key: string, value?: unknown];

export interface Snapshot {
  format: 1;
  collections: Record<string, [string, unknown][]>;
}

const SNAPSHOT = 'snapshot.json';
const JOURNAL = 'journal.jsonl';
const FSYNC_DELAY_MS = 50;

export class Journal {
  private fd: number;
  private linesSinceSnapshot = 0;
  private fsyncTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly dir: string) {
    this.fd = fs.openSync(path.join(dir, JOURNAL), 'a');
  }

  /** Opens the journal in `dir`, calling `replay` with the snapshot (if any) and then every intact transaction. */
  static open(dir: string, replay: { snapshot(s: Snapshot): void; transaction(m: Mutation[]): void }): Journal {
    fs.mkdirSync(dir, { recursive: true });
    const snapshotPath = path.join(dir, SNAPSHOT);
    if (fs.existsSync(snapshotPath)) replay.snapshot(JSON.parse(fs.readFileSync(snapshotPath, 'utf8')) as Snapshot);
    const journalPath = path.join(dir, JOURNAL);
    let lines = 0;
    if (fs.existsSync(journalPath)) {
      const text = fs.readFileSync(journalPath, 'utf8');
      let goodBytes = 0;
      let start = 0;
      while (start < text.length) {
        const end = text.indexOf('\n', start);
        if (end === -1) break; // a torn write: never acknowledged
        const line = text.slice(start, end);
        let parsed: Mutation[];
        try {
          parsed = JSON.parse(line) as Mutation[];
        } catch {
          break;
        }
        replay.transaction(parsed);
        lines++;
        start = end + 1;
        goodBytes = Buffer.byteLength(text.slice(0, start));
      }
      if (goodBytes !== fs.statSync(journalPath).size) fs.truncateSync(journalPath, goodBytes);
    }
    const journal = new Journal(dir);
    journal.linesSinceSnapshot = lines;
    return journal;
  }

  get pendingLines() {
    return this.linesSinceSnapshot;
  }

  append(mutations: Mutation[]): void {
    fs.writeSync(this.fd, JSON.stringify(mutations) + '\n');
    this.linesSinceSnapshot++;
    this.scheduleFsync();
  }

  /** Replaces the snapshot atomically (write, fsync, rename) and then empties the journal. */
  writeSnapshot(snapshot: Snapshot): void {
    const target = path.join(this.dir, SNAPSHOT);
    const tmp = `${target}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(snapshot));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    // A crash between the rename and the truncate only means the journal is replayed over a snapshot
    // that already holds it; every mutation is a whole-record put or a delete, so that is harmless.
    fs.ftruncateSync(this.fd, 0);
    this.linesSinceSnapshot = 0;
  }

  close(): void {
    if (this.fsyncTimer) clearTimeout(this.fsyncTimer);
    this.fsyncTimer = undefined;
    try {
      fs.fdatasyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private scheduleFsync() {
    if (this.fsyncTimer) return;
    this.fsyncTimer = setTimeout(() => {
      this.fsyncTimer = undefined;
      fs.fdatasync(this.fd, () => {});
    }, FSYNC_DELAY_MS);
    this.fsyncTimer.unref();
  }
}
