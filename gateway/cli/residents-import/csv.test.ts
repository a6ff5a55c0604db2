import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, parseCsv, sniffDelimiter } from './csv.js';

describe('residents CSV: bytes and fields as people make them', () => {
  it('reads UTF-8 with and without a BOM, and GB18030 from a Chinese Excel', () => {
    const text = 'id,name\nr-1,张伟\n';
    const utf8 = Buffer.from(text, 'utf8');
    expect(decodeCsvBytes(utf8)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toEqual({ text, encoding: 'utf-8-bom' });
    // 张伟 in GBK: D5C5 CEB0
    const gbk = Buffer.concat([Buffer.from('id,name\nr-1,'), Buffer.from([0xd5, 0xc5, 0xce, 0xb0]), Buffer.from('\n')]);
    expect(decodeCsvBytes(gbk)).toEqual({ text, encoding: 'gb18030' });
    expect(() => decodeCsvBytes(Buffer.from([0xef, 0xbb, 0xbf, 0xd5, 0xc5]))).toThrow(/byte-order mark but is not valid UTF-8/);
  });

  it('parses quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF, and keeps line numbers', () => {
    const text = 'id,name,photo\r\nr-1,"Li, Lei","a.jpg;b.jpg"\r\n\r\nr-2,"He said ""hi""","x\ny.jpg"\r\nr-3,,\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'name', 'photo'] },
      { line: 2, fields: ['r-1', 'Li, Lei', 'a.jpg;b.jpg'] },
      { line: 4, fields: ['r-2', 'He said "hi"', 'x\ny.jpg'] },
      { line: 6, fields: ['r-3', '', ''] },
    ]);
  });

  it('tells tab- and semicolon-separated files from the header, and a last line without a line break', () => {
    expect(sniffDelimiter('id\tname\nx\ty')).toBe('\t');
    expect(sniffDelimiter('id;name\n')).toBe(';');
    expect(parseCsv('id;name\nr-1;王芳')).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['r-1', '王芳'] },
    ]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('id,name\nr-1,"open\nr-2,x\n')).toThrow(/opened on line 2 is never closed/);
  });
});
