import { closeSync, existsSync, openSync, readSync, writeSync, fsync, fsyncSync, fstatSync, ftruncateSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { BatchedSync } from '../core/batched-sync.js';

/**
 * A small preallocated file that keeps events while the database cannot take them (disk full,
 * I/O error, database locked), so a crash during the outage still loses nothing. The file is
 * written full of zeros when it is created: appending to it later needs no new disk block.
 *
 * Layout: records one after another from offset 0, each `[u32 length][u32 crc32][JSON]`; a
 * zero length ends the list. `reset` writes a zero length at offset 0 once everything is in the
 * database again. A torn last record (crash mid-write) fails its checksum and ends the list.
 *
 * Durability, the same promise as the database's (synchronous=NORMAL): what `append` wrote is in
 * the file before it returns, so it survives the process dying (crash, kill -9, OOM); it reaches
 * the disk with an fsync that runs off the event loop (libuv's thread pool), one for everything
 * written since the last, so only a power cut may lose the last few milliseconds. `sync()`
 * resolves once everything written before it is on the disk, for whoever must know.
 */
export interface JournalRecord {
  id: string;
  kind: string;
  ts: string;
  data: unknown;
}

const HEADER = 8;

export class Journal {
  private fd: number | undefined;
  private offset = 0;
  readonly bytes: number;
  /** fsyncs off the loop, each covering every write before it started. */
  private readonly batches = new BatchedSync((done) => this.fsyncRound(done));
  /** The last fsync error, if any (the events stay in memory and are retried meanwhile). */
  syncError: Error | undefined;

  constructor(
    readonly path: string,
    bytes = 4 * 1024 * 1024,
  ) {
    this.bytes = bytes;
  }

  /** Opens (creating and zero-filling it if needed) and returns the records it still holds. */
  open(): JournalRecord[] {
    const fresh = !existsSync(this.path);
    this.fd = openSync(this.path, fresh ? 'w+' : 'r+', 0o600);
    if (fresh || fstatSync(this.fd).size < this.bytes) this.zeroFill();
    const records = this.read();
    return records;
  }

  /** Closes the file (at stop): a last fsync of what may not be on the disk yet, then the close. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    if (this.batches.pending) fsyncSync(fd);
    closeSync(fd);
    this.fd = undefined;
    this.batches.settled();
  }

  /** Appends one record; false when the journal is full (the caller keeps it in memory). */
  append(record: JournalRecord): boolean {
    return this.appendMany([record]) === 1;
  }

  /**
   * Appends records in order with one write, as many as fit; returns how many. They are in the
   * file on return (a process crash keeps them) and on the disk after the next background fsync.
   */
  appendMany(records: readonly JournalRecord[]): number {
    if (this.fd === undefined) return 0;
    const parts: Buffer[] = [];
    let size = 0;
    let count = 0;
    for (const record of records) {
      const json = Buffer.from(JSON.stringify(record));
      if (this.offset + size + HEADER + json.length + 4 > this.bytes) break;
      const head = Buffer.alloc(HEADER);
      head.writeUInt32LE(json.length, 0);
      head.writeUInt32LE(crc32(json), 4);
      parts.push(head, json);
      size += HEADER + json.length;
      count++;
    }
    if (size === 0) return 0;
    // The 4 trailing zero bytes keep the end marker in place after the last record.
    parts.push(Buffer.alloc(4));
    const buf = Buffer.concat(parts, size + 4);
    writeSync(this.fd, buf, 0, buf.length, this.offset);
    this.offset += size;
    this.batches.written();
    return count;
  }

  /** Everything in it is safely in the database: start over. */
  reset(): void {
    if (this.fd === undefined || this.offset === 0) return;
    writeSync(this.fd, Buffer.alloc(HEADER), 0, HEADER, 0);
    this.offset = 0;
    this.batches.written();
  }

  /** Resolves once everything written before the call is on the disk (or the sync failed). */
  sync(): Promise<void> {
    if (this.fd === undefined) return Promise.resolve();
    return this.batches.durable();
  }

  /** fsyncs run so far (each covering every write before it started). */
  get syncs(): number {
    return this.batches.syncs;
  }

  private fsyncRound(done: () => void): void {
    const fd = this.fd;
    if (fd === undefined) return done(); // closed: close() synced everything itself
    fsync(fd, (err) => {
      // Closed meanwhile: close() synced everything itself (an error here may be EBADF).
      if (this.fd === fd) this.syncError = err ?? undefined;
      done();
    });
  }

  get used(): number {
    return this.offset;
  }

  private zeroFill(): void {
    const fd = this.fd as number;
    ftruncateSync(fd, 0);
    const chunk = Buffer.alloc(64 * 1024);
    for (let at = 0; at < this.bytes; at += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - at), at);
    fsyncSync(fd);
  }

  private read(): JournalRecord[] {
    const fd = this.fd as number;
    const out: JournalRecord[] = [];
    const header = Buffer.alloc(HEADER);
    let at = 0;
    for (;;) {
      if (at + HEADER > this.bytes || readSync(fd, header, 0, HEADER, at) < HEADER) break;
      const length = header.readUInt32LE(0);
      if (length === 0 || at + HEADER + length > this.bytes) break;
      const json = Buffer.alloc(length);
      readSync(fd, json, 0, length, at + HEADER);
      if (crc32(json) !== header.readUInt32LE(4)) break;
      try {
        out.push(JSON.parse(json.toString('utf8')) as JournalRecord);
      } catch {
        break;
      }
      at += HEADER + length;
    }
    this.offset = at;
    return out;
  }
}
