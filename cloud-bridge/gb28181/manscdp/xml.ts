/**
 * The small XML of MANSCDP bodies (GB/T 28181 Annex A): parse and build, pure. The parser knows
 * elements, attributes, text, CDATA, comments and the five predefined entities plus character
 * references; a DOCTYPE (hence any entity definition) is refused, and depth and element count
 * are bounded, so a hostile body costs nothing.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {
  override name = 'XmlError';
}

const LIMITS = { depth: 16, elements: 20_000 };
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;

export function parseXml(src: string): XmlElement {
  let i = 0;
  let count = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${i}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i] as string)) i++;
      if (src.startsWith('<?', i)) {
        const e = src.indexOf('?>', i);
        if (e < 0) fail('unterminated processing instruction');
        i = e + 2;
      } else if (src.startsWith('<!--', i)) {
        const e = src.indexOf('-->', i);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (src.startsWith('<!', i)) {
        fail('DOCTYPE and declarations are not accepted');
      } else return;
    }
  };
  const name = (): string => {
    const m = NAME.exec(src.slice(i, i + 200));
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > LIMITS.depth) fail(`nesting deeper than ${LIMITS.depth}`);
    if (++count > LIMITS.elements) fail(`more than ${LIMITS.elements} elements`);
    if (src[i] !== '<') fail('expected "<"');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      while (/\s/.test(src[i] ?? '')) i++;
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const an = name();
      while (/\s/.test(src[i] ?? '')) i++;
      if (src[i] !== '=') fail('expected "=" after attribute name');
      i++;
      while (/\s/.test(src[i] ?? '')) i++;
      const q = src[i];
      if (q !== '"' && q !== "'") return fail('expected a quoted attribute value');
      const e = src.indexOf(q, i + 1);
      if (e < 0) fail('unterminated attribute value');
      el.attrs[an] = decodeEntities(src.slice(i + 1, e));
      i = e + 1;
    }
    let text = '';
    for (;;) {
      if (i >= src.length) fail(`unterminated element <${el.name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        while (/\s/.test(src[i] ?? '')) i++;
        if (src[i] !== '>') fail('expected ">"');
        i++;
        el.text = text.trim();
        return el;
      }
      if (src.startsWith('<!--', i)) {
        const e = src.indexOf('-->', i);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (src.startsWith('<![CDATA[', i)) {
        const e = src.indexOf(']]>', i);
        if (e < 0) fail('unterminated CDATA');
        text += src.slice(i + 9, e);
        i = e + 3;
      } else if (src.startsWith('<!', i) || src.startsWith('<?', i)) {
        fail('declaration inside an element');
      } else if (src[i] === '<') {
        el.children.push(element(depth + 1));
      } else {
        const e = src.indexOf('<', i);
        text += decodeEntities(src.slice(i, e < 0 ? src.length : e));
        i = e < 0 ? src.length : e;
      }
    }
  };
  skipMisc();
  const root = element(1);
  skipMisc();
  if (i < src.length) fail('content after the root element');
  return root;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9A-Fa-f]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (cp > 0x10ffff || cp === 0) throw new XmlError(`bad character reference &${e};`);
      return String.fromCodePoint(cp);
    }
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] as string;
  });
}

/** The text of the first child called `name` (case-insensitive, as platforms vary), or undefined. */
export function childText(el: XmlElement, name: string): string | undefined {
  const n = name.toLowerCase();
  return el.children.find((c) => c.name.toLowerCase() === n)?.text;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A node to build: [name, text | children, attributes?]. Undefined children are left out. */
export type XmlNode = [string, string | number | (XmlNode | undefined)[], Record<string, string | number>?];

export function buildXml(root: XmlNode, charset: string): string {
  const out: string[] = [`<?xml version="1.0" encoding="${charset}"?>`];
  const walk = ([name, content, attrs]: XmlNode, indent: string) => {
    const a = attrs
      ? Object.entries(attrs)
          .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
          .join('')
      : '';
    if (Array.isArray(content)) {
      out.push(`${indent}<${name}${a}>`);
      for (const c of content) if (c) walk(c, `${indent}  `);
      out.push(`${indent}</${name}>`);
    } else out.push(`${indent}<${name}${a}>${escapeXml(String(content))}</${name}>`);
  };
  walk(root, '');
  return `${out.join('\r\n')}\r\n`;
}
