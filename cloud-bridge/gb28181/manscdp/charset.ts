/**
 * Character sets of MANSCDP bodies. Platforms speak GB2312 (the standard's examples, and the
 * per-device default of WVP-GB28181-pro), GB18030 or UTF-8.
 *
 * GB2312 knows 6,763 hanzi: rare surname and place characters (堃, 喆, 㛃, 𠀀 ...) are not among
 * them. GB18030 is a superset that encodes every Unicode character and writes every GB2312
 * character with the same bytes, so bodies set to GB2312 or GB18030 are encoded as GB18030: a
 * name inside GB2312 goes out byte for byte as before, one outside it survives instead of
 * becoming `?`. Such a body then declares `encoding="GB18030"` (what it really is), so a platform
 * that reads the declaration decodes it; one that decodes by its per-device setting needs that
 * set to GB18030 (see README). Node's TextDecoder reads GB18030 (and so GBK and GB2312);
 * encoding needs a table Node does not ship: iconv-lite (imported only here) provides it.
 */
import iconv from 'iconv-lite';

export type Charset = 'GB2312' | 'GB18030' | 'UTF-8';

export function encodeBody(text: string, charset: Charset): Buffer {
  if (charset === 'UTF-8') return Buffer.from(text, 'utf8');
  return iconv.encode(charset === 'GB2312' && !fitsGb2312(text) ? declare(text, 'GB18030') : text, 'gb18030');
}

/**
 * Whether every character of the text is in GB2312 (ASCII included). iconv-lite's "gb2312" is
 * really GBK, so the test is on the bytes: GB2312 (EUC-CN) uses rows A1–A9 (symbols) and B0–F7
 * (hanzi), cells A1–FE; GBK's additions lie outside.
 */
export function fitsGb2312(text: string): boolean {
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    const b = iconv.encode(ch, 'gbk');
    const lead = b[0] ?? 0;
    const trail = b[1] ?? 0;
    if (b.length !== 2 || trail < 0xa1 || trail > 0xfe || !((lead >= 0xa1 && lead <= 0xa9) || (lead >= 0xb0 && lead <= 0xf7))) return false;
  }
  return true;
}

/** The text with its XML declaration's encoding replaced (if it has one). */
function declare(text: string, name: string): string {
  return text.replace(/^(\s*<\?xml[^>]*encoding\s*=\s*["'])[A-Za-z0-9_-]+(["'])/i, `$1${name}$2`);
}

/**
 * Decodes a body: the charset named by its XML declaration if any (what the sender says it
 * wrote), else the Content-Type charset parameter, else `fallback`. GB2312, GBK and GB18030 are
 * all read as GB18030 (their superset). Invalid bytes become U+FFFD.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, fallback: Charset): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_-]+)["']/i.exec(body.subarray(0, 200).toString('latin1'))?.[1];
  const fromType = /charset\s*=\s*"?([A-Za-z0-9_-]+)/i.exec(contentType ?? '')?.[1];
  const name = (declared ?? fromType ?? fallback).toLowerCase();
  const label = /^(gb2312|gbk|gb18030|cp936|x-gbk)$/.test(name)
    ? 'gb18030'
    : name === 'utf8' || name === 'utf-8'
      ? 'utf-8'
      : fallback === 'UTF-8'
        ? 'utf-8'
        : 'gb18030';
  return new TextDecoder(label).decode(body);
}
