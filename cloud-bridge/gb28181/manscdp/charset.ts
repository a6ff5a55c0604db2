/**
 * Character sets of MANSCDP bodies. Platforms speak GB2312 (the standard's examples) or UTF-8.
 * Decoding uses Node's own TextDecoder (gbk covers GB2312); encoding to GB2312 needs a table,
 * which Node does not ship: iconv-lite (the one importer of it) provides it.
 */
import iconv from 'iconv-lite';

export type Charset = 'GB2312' | 'UTF-8';

export function encodeBody(text: string, charset: Charset): Buffer {
  return charset === 'UTF-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gb2312');
}

/**
 * Decodes a body: the charset named by its XML declaration if any (what the sender says it
 * wrote), else the Content-Type charset parameter, else `fallback`. Invalid bytes become U+FFFD.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, fallback: Charset): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_-]+)["']/i.exec(body.subarray(0, 200).toString('latin1'))?.[1];
  const fromType = /charset\s*=\s*"?([A-Za-z0-9_-]+)/i.exec(contentType ?? '')?.[1];
  const name = (declared ?? fromType ?? fallback).toLowerCase();
  const label = /^(gb2312|gbk|gb18030|cp936|x-gbk)$/.test(name)
    ? 'gbk'
    : name === 'utf8' || name === 'utf-8'
      ? 'utf-8'
      : fallback === 'UTF-8'
        ? 'utf-8'
        : 'gbk';
  return new TextDecoder(label).decode(body);
}
