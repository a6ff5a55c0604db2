/**
 * Reading a residents CSV as people make them: UTF-8 with or without a byte-order mark (Excel's
 * "CSV UTF-8"), or GB18030/GBK (Excel's plain "CSV" on a Chinese Windows), comma-separated
 * (or tab/semicolon, told from the header), fields quoted RFC 4180 style ("" inside quotes, line
 * breaks inside quotes), CRLF or LF. Pure: bytes in, records with their line numbers out.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (what a person finds in their editor). */
  line: number;
  fields: string[];
}

export interface DecodedText {
  text: string;
  /** What the bytes were read as. */
  encoding: 'utf-8' | 'utf-8-bom' | 'gb18030';
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/** UTF-8 (BOM dropped) when the bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312). */
export function decodeCsvBytes(bytes: Uint8Array): DecodedText {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    if (bom) throw new CsvError('the file starts with a UTF-8 byte-order mark but is not valid UTF-8', 1);
    return { text: new TextDecoder('gb18030').decode(body), encoding: 'gb18030' };
  }
}

/** The delimiter of the header line: tab or semicolon when the line has those and no comma. */
export function sniffDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  if (head.includes(',')) return ',';
  if (head.includes('\t')) return '\t';
  if (head.includes(';')) return ';';
  return ',';
}

/** Parses the whole text; empty lines are skipped; an unterminated quote is a CsvError naming its line. */
export function parseCsv(text: string, delimiter = sniffDelimiter(text)): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  let sawField = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || sawField) out.push({ line: start, fields });
    fields = [];
    field = '';
    sawField = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      sawField = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      sawField = true;
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the record
    } else if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw new CsvError(`a quoted field opened on line ${quoteLine} is never closed`, quoteLine);
  if (field !== '' || fields.length > 0 || sawField) endRecord();
  return out;
}
