/**
 * `sharpeyes residents import`: every row of the CSV through residents/upsert, one request and
 * so one small transaction per row (the daemon writes its events in between), on a target that
 * is the running daemon over MQTT or the stopped gateway's database (targets.ts). Rows
 * the box already holds at their version are skipped without reading their photos, so an
 * interrupted import is simply run again. Ends with a report of every row not applied and why.
 */
import type { CsvRecord } from './csv.js';
import { loadPhotos, type PhotoProblem } from './photos.js';
import { planRows, type Header, type ImportRow, type RowProblem } from './rows.js';
import type { ImportCode } from '../../core/error-codes.js';

/** residents/upsert's input: the row's fields (only those the file filled), its photos as base64. */
export type UpsertInput = Omit<ImportRow, 'line' | 'photos'> & {
  photos?: string[];
  /** Several photos: keep the usable ones, report the others. */
  keepUsablePhotos?: boolean;
};

export type CallResult = { ok: true; data: unknown } | { ok: false; code: string; error: string };

/** Where the rows go: the daemon over MQTT, or the database directly (--offline). */
export interface ImportTarget {
  /** What the box holds now: live versions by id. */
  versions(): Promise<Map<string, number>>;
  upsert(input: UpsertInput): Promise<CallResult>;
  close(): Promise<void>;
}

/** A refusal by the box: its wire error code and message (photo_refused, invalid_input, ...). */
export interface BoxRefusal {
  code: 'box';
  boxCode: string;
  error: string;
}

/** Every problem's code is one of the error-code table (core/error-codes.ts). */
export type Problem = (RowProblem | PhotoProblem | BoxRefusal) & { code: ImportCode };

export type RowOutcome =
  | { line: number; id: string; status: 'applied'; version: number; photosRefused?: Array<{ photo: string; reason: string }> }
  | { line: number; id: string; status: 'unchanged'; version: number }
  | { line: number; id: string; status: 'stale'; version: number; held: number; deleted: boolean }
  | { line: number; id: string; status: 'refused'; problem: Problem };

export interface ImportReport {
  rows: number;
  applied: number;
  unchanged: number;
  stale: number;
  refused: number;
  /** Rows not applied, in file order, with why. */
  notApplied: Array<Extract<RowOutcome, { status: 'stale' | 'refused' }>>;
  /** Stopped early (Ctrl-C): run the import again to go on. */
  interrupted: boolean;
}

/** The box cannot take any row (models missing, recognition off, no daemon): stop at once. */
export class ImportAborted extends Error {
  constructor(
    message: string,
    readonly report: ImportReport,
  ) {
    super(message);
    this.name = 'ImportAborted';
  }
}

export interface ImportOptions {
  photosDir: string;
  maxPhotos: number;
  maxPhotoBytes: number;
  /** Called after each row (progress). */
  onRow?: (done: number, total: number, outcome: RowOutcome) => void;
  /** Checked before each row: true stops the import after the row in flight. */
  stopped?: () => boolean;
  /** Pause before retrying a busy or silent box (tests shorten it). */
  retryMs?: number;
}

const ABORT_CODES = new Set(['unavailable', 'forbidden', 'unknown_action']);
const RETRIES = 3;

export async function runImport(
  target: ImportTarget,
  records: readonly CsvRecord[],
  header: Header,
  opts: ImportOptions,
): Promise<ImportReport> {
  const plans = planRows(records, header, { maxPhotos: opts.maxPhotos });
  const report: ImportReport = { rows: plans.length, applied: 0, unchanged: 0, stale: 0, refused: 0, notApplied: [], interrupted: false };
  const held = await target.versions();
  const record = (o: RowOutcome, done: number) => {
    if (o.status === 'applied') report.applied++;
    else if (o.status === 'unchanged') report.unchanged++;
    else if (o.status === 'stale') {
      report.stale++;
      report.notApplied.push(o);
    } else {
      report.refused++;
      report.notApplied.push(o);
    }
    opts.onRow?.(done, plans.length, o);
  };
  for (let i = 0; i < plans.length; i++) {
    if (opts.stopped?.()) {
      report.interrupted = true;
      break;
    }
    const plan = plans[i]!;
    if (!plan.ok) {
      record({ line: plan.line, id: plan.id, status: 'refused', problem: plan.problem }, i + 1);
      continue;
    }
    const row = plan.row;
    const have = held.get(row.id);
    if (have !== undefined && have >= row.version) {
      // Already there (a re-run), or the box holds newer: not even the photos are read.
      record(
        have === row.version
          ? { line: row.line, id: row.id, status: 'unchanged', version: row.version }
          : { line: row.line, id: row.id, status: 'stale', version: row.version, held: have, deleted: false },
        i + 1,
      );
      continue;
    }
    const outcome = await importRow(target, row, opts);
    if (outcome.status === 'refused' && outcome.problem.code === 'box' && ABORT_CODES.has(outcome.problem.boxCode)) {
      record(outcome, i + 1);
      throw new ImportAborted(outcome.problem.error, report);
    }
    record(outcome, i + 1);
  }
  return report;
}

async function importRow(target: ImportTarget, row: ImportRow, opts: ImportOptions): Promise<RowOutcome> {
  const base = { line: row.line, id: row.id };
  let photos: string[] | undefined;
  if (row.photos.length) {
    const loaded = await loadPhotos(opts.photosDir, row.photos, opts.maxPhotoBytes);
    if (!loaded.ok) return { ...base, status: 'refused', problem: loaded.problem };
    photos = loaded.photos;
  }
  const { line: _line, photos: _names, ...fields } = row;
  const input: UpsertInput = {
    ...fields,
    ...(photos ? { photos } : {}),
    ...(photos && photos.length > 1 ? { keepUsablePhotos: true } : {}),
  };
  // The box numbers the photos it was sent; the person fixing the file needs their names.
  const named = (msg: string) => msg.replace(/\bphoto (\d+)(?=:|$)/g, (m, n: string) => row.photos[Number(n) - 1] ?? m);
  let retried = false;
  for (let attempt = 0; ; attempt++) {
    const r = await target.upsert(input);
    if (r.ok) {
      const a = r.data as { outcome: string; version: number; deleted: boolean; refused?: Array<{ source: string; reason: string }> };
      const photosRefused = a.refused?.map((x) => ({ photo: named(x.source), reason: x.reason }));
      // A retry after a timeout that finds its own version applied: the first attempt did it.
      if (a.outcome === 'applied' || (a.outcome === 'duplicate' && retried))
        return { ...base, status: 'applied', version: row.version, ...(photosRefused?.length ? { photosRefused } : {}) };
      if (a.outcome === 'duplicate') return { ...base, status: 'unchanged', version: row.version };
      return { ...base, status: 'stale', version: row.version, held: a.version, deleted: a.deleted };
    }
    // The versions make a retry harmless: a busy box, or an answer lost on the way.
    if ((r.code === 'busy' || r.code === 'timeout') && attempt < RETRIES) {
      retried ||= r.code === 'timeout';
      await new Promise((res) => setTimeout(res, opts.retryMs ?? 1000));
      continue;
    }
    const error = r.code === 'photo_refused' ? named(r.error) : r.error;
    return { ...base, status: 'refused', problem: { code: 'box', boxCode: r.code, error } };
  }
}
