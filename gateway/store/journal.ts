import { closeSync, existsSync, openSync, readSync, writeSync, fsyncSync, fstatSync, ftruncateSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * A small preallocated file that keeps events while the database cannot take them (disk full,
 * I/O error, database locked), so a crash during the outage still loses nothing. The file is
 * written full of zeros when it is created: appending to it later needs no new disk block.
 *
 * Layout: records one after another from offset 0, each `[u32 length][u32 crc32][JSON]`; a
 * zero length ends the list. `reset` writes a zero length at offset 0 once everything is in the
 * database again. A torn last record (crash mid-write) fails its checksum and ends the list.
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

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Appends one record and syncs it; false when the journal is full (the caller keeps it in memory). */
  append(record: JournalRecord): boolean {
    if (this.fd === undefined) return false;
    const json = Buffer.from(JSON.stringify(record));
    if (this.offset + HEADER + json.length + 4 > this.bytes) return false;
    const buf = Buffer.alloc(HEADER + json.length + 4);
    buf.writeUInt32LE(json.length, 0);
    buf.writeUInt32LE(crc32(json), 4);
    json.copy(buf, HEADER);
    // The 4 trailing zero bytes keep the end marker in place after this record.
    writeSync(this.fd, buf, 0, buf.length, this.offset);
    fsyncSync(this.fd);
    this.offset += HEADER + json.length;
    return true;
  }

  /** Everything in it is safely in the database: start over. */
  reset(): void {
    if (this.fd === undefined || this.offset === 0) return;
    writeSync(this.fd, Buffer.alloc(HEADER), 0, HEADER, 0);
    fsyncSync(this.fd);
    this.offset = 0;
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
