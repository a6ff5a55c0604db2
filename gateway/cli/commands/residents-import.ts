/**
 * `sharpeyes residents import FILE.csv [--photos DIR]`: the rows of a residents CSV through the
 * residents/upsert action (faces/import/), with a progress bar on stderr and, at the end, the
 * rows not applied and why, in the user's language (cli/lang.ts). --json prints the same report
 * as one JSON object instead. Exit 0 when every row is on the box, 1 when a row was refused or
 * the box could not take any, 2 for a file that is not a residents CSV.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT, UsageError } from '../command.js';
import { parse } from '../args.js';
import { outputLang, type Lang } from '../../core/locale.js';
import { progressSink } from '../progress.js';
import { loadFacesConfig } from '../../rooms/faces/cli-support.js';
import { CsvError, decodeCsvBytes, parseCsv } from '../residents-import/csv.js';
import { HeaderError, readHeader } from '../residents-import/rows.js';
import { ImportAborted, runImport, type ImportReport, type ImportTarget } from '../residents-import/importer.js';
import { daemonTarget, offlineTarget } from '../residents-import/targets.js';
import { fileText, reportJson, reportText, rowLabel, unknownColumnsText } from '../residents-import/messages.js';
import { errMessage } from '../../core/errors.js';

export const IMPORT_USAGE = 'sharpeyes residents import FILE.csv [--photos DIR] [--offline] [--json] [--config FILE]';

export async function residentsImport(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      photos: { type: 'string' },
      offline: { type: 'boolean' },
      json: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
  const lang: Lang = outputLang(env);
  const file = resolve(positionals[0]!);
  const photosDir = resolve(values.photos ?? dirname(file));

  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    process.stderr.write(`${fileText({ code: 'unreadable', file, error: errMessage(err) }, lang)}\n`);
    return EXIT.usage;
  }
  let records;
  let header;
  try {
    records = parseCsv(decodeCsvBytes(bytes).text);
    if (records.length === 0) {
      process.stderr.write(`${fileText({ code: 'empty', file }, lang)}\n`);
      return EXIT.usage;
    }
    header = readHeader(records[0]!.fields);
  } catch (err) {
    if (err instanceof CsvError) process.stderr.write(`${fileText({ code: 'csv', file, line: err.line, error: err.message }, lang)}\n`);
    else if (err instanceof HeaderError) process.stderr.write(`${fileText({ code: 'header', file, missing: err.missing }, lang)}\n`);
    else throw err;
    return EXIT.usage;
  }
  if (header.unknown.length) process.stderr.write(`${unknownColumnsText(header.unknown, lang)}\n`);

  const loaded = loadFacesConfig(values.config);
  const target: ImportTarget = values.offline
    ? await offlineTarget(loaded)
    : await daemonTarget(loaded).catch((err: unknown) => {
        throw new Error(`${errMessage(err)} (or use --offline to write the stopped gateway's database directly)`);
      });
  const progress = progressSink(process.stderr);
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once('SIGINT', onSigint);
  const print = (report: ImportReport) =>
    process.stdout.write(
      values.json ? reportJson(report, { file, photosDir, target: values.offline ? 'database' : 'daemon' }) : reportText(report, lang),
    );
  try {
    const report = await runImport(target, records.slice(1), header, {
      photosDir,
      maxPhotos: loaded.config.faces.enrolment.maxPhotos,
      maxPhotoBytes: loaded.config.faces.enrolment.maxPhotoBytes,
      onRow: (done, total, outcome) => progress.step(done, total, rowLabel(outcome, lang)),
      stopped: () => stop,
    });
    progress.end();
    print(report);
    return report.refused > 0 || report.interrupted ? EXIT.failed : EXIT.ok;
  } catch (err) {
    progress.end();
    if (!(err instanceof ImportAborted)) throw err;
    print(err.report);
    process.stderr.write(`${fileText({ code: 'aborted', file, error: err.message }, lang)}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
    await target.close();
  }
}
