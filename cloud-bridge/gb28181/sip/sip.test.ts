import { describe, expect, it } from 'vitest';
import { header, headerValues, parseMessage, serialise, SIP_LIMITS, SipParseError, type SipRequest } from './message.js';
import { StreamFramer } from './framing.js';
import { parseNameAddr, parseUri, parseVia, tagOf } from './headers.js';
import { makeResponse } from './build.js';

const crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'));

const MESSAGE = crlf(`MESSAGE sip:34020000001320000001@3402000000 SIP/2.0
Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK776asdhds
v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKother
f: <sip:34020000002000000001@3402000000>;tag=abc
To: "摄像机" <sip:34020000001320000001@3402000000>
i: 1234@10.0.0.5
CSeq: 20 MESSAGE
Subject: a long
 folded value
Content-Type: Application/MANSCDP+xml
l: 5

hello`);

describe('SIP message parsing', () => {
  it('reads a request with compact and folded headers and several Via values', () => {
    const m = parseMessage(MESSAGE) as SipRequest;
    expect(m).toMatchObject({ kind: 'request', method: 'MESSAGE', uri: 'sip:34020000001320000001@3402000000' });
    expect(header(m, 'Call-ID')).toBe('1234@10.0.0.5');
    expect(header(m, 'from')).toBe('<sip:34020000002000000001@3402000000>;tag=abc');
    expect(header(m, 'Subject')).toBe('a long folded value');
    expect(headerValues(m, 'Via')).toHaveLength(3);
    expect(m.body.toString()).toBe('hello');
    expect(parseNameAddr(header(m, 'To') as string)).toMatchObject({ display: '摄像机', uri: 'sip:34020000001320000001@3402000000' });
  });

  it('cuts a body longer than Content-Length (RFC 3261 §18.3) and serialises back', () => {
    const m = parseMessage(Buffer.concat([MESSAGE, Buffer.from('EXTRA')])) as SipRequest;
    expect(m.body.toString()).toBe('hello');
    const again = parseMessage(serialise(m)) as SipRequest;
    expect(again.body.toString()).toBe('hello');
    expect(header(again, 'Content-Length')).toBe('5');
  });

  it('reads responses and builds one that copies Via, From, To (with a tag), Call-ID and CSeq', () => {
    const req = parseMessage(MESSAGE) as SipRequest;
    const res = parseMessage(serialise(makeResponse(req, 200, { toTag: 'xyz' })));
    expect(res).toMatchObject({ kind: 'response', status: 200, reason: 'OK' });
    expect(headerValues(res, 'Via')).toEqual(headerValues(req, 'Via'));
    expect(tagOf(header(res, 'To'))).toBe('xyz');
    expect(header(res, 'CSeq')).toBe('20 MESSAGE');
  });

  const bad: [string, Buffer, RegExp][] = [
    ['no blank line', crlf('MESSAGE sip:a@b SIP/2.0\nVia: x\n'), /no blank line/],
    ['a request line without version', crlf('MESSAGE sip:a@b\nVia: x\n\n'), /bad request line/],
    ['a non-SIP URI', crlf('MESSAGE http://a SIP/2.0\n\n'), /not a sip: URI/],
    ['a status line with a 3-digit code out of range', crlf('SIP/2.0 999 Nope\n\n'), /bad status line/],
    [
      'a missing Call-ID',
      crlf('MESSAGE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>\nTo: <sip:a@b>\nCSeq: 1 MESSAGE\n\n'),
      /missing Call-ID/,
    ],
    [
      'a CSeq for another method',
      crlf('BYE sip:a@b SIP/2.0\nVia: x\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 1 INVITE\n\n'),
      /CSeq method INVITE does not match BYE/,
    ],
    [
      'a short body',
      crlf('BYE sip:a@b SIP/2.0\nVia: x\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 1 BYE\nContent-Length: 50\n\nabc'),
      /Content-Length 50 but only 3/,
    ],
    [
      'conflicting Content-Length',
      crlf('BYE sip:a@b SIP/2.0\nVia: x\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 1 BYE\nContent-Length: 1\nl: 2\n\nab'),
      /conflicting/,
    ],
    [
      'a negative Content-Length',
      crlf('BYE sip:a@b SIP/2.0\nVia: x\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 1 BYE\nContent-Length: -1\n\n'),
      /bad Content-Length/,
    ],
    ['a NUL in the headers', Buffer.from('BYE sip:a@b SIP/2.0\r\nVia: x\0\r\n\r\n'), /control character/],
    ['a header line without colon', crlf('BYE sip:a@b SIP/2.0\nVia x\n\n'), /malformed header line/],
    ['a continuation first', crlf('BYE sip:a@b SIP/2.0\n folded\n\n'), /continuation/],
    ['a huge CSeq', crlf('BYE sip:a@b SIP/2.0\nVia: x\nFrom: a\nTo: b\nCall-ID: c\nCSeq: 99999999999 BYE\n\n'), /bad CSeq/],
  ];
  it.each(bad)('refuses %s with a clear SipParseError', (_what, buf, reason) => {
    expect(() => parseMessage(buf)).toThrow(SipParseError);
    expect(() => parseMessage(buf)).toThrow(reason);
  });

  it('refuses what is too large, too many headers, or random bytes, without throwing anything else', () => {
    const many = crlf(`BYE sip:a@b SIP/2.0\n${'X-A: 1\n'.repeat(SIP_LIMITS.maxHeaders + 1)}\n`);
    expect(() => parseMessage(many)).toThrow(/more than 100 headers/);
    expect(() => parseMessage(Buffer.alloc(SIP_LIMITS.maxMessageBytes + 1, 65))).toThrow(/exceeds/);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let i = 0; i < 500; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + (i % 300) }, rnd));
      const mutated = Buffer.from(MESSAGE);
      mutated[rnd() % mutated.length] = rnd();
      for (const b of [junk, mutated]) {
        try {
          parseMessage(b);
        } catch (err) {
          expect(err).toBeInstanceOf(SipParseError);
        }
      }
    }
  });
});

describe('SIP over a stream (Content-Length framing)', () => {
  it('cuts messages split over chunks and several in one chunk', () => {
    const f = new StreamFramer();
    const two = Buffer.concat([Buffer.from('\r\n\r\n'), MESSAGE, MESSAGE]);
    const out: Buffer[] = [];
    for (let i = 0; i < two.length; i += 7) out.push(...f.push(two.subarray(i, i + 7)));
    expect(out).toHaveLength(2);
    expect(out.map((b) => (parseMessage(b) as SipRequest).body.toString())).toEqual(['hello', 'hello']);
    expect(f.pending).toBe(0);
  });

  it('refuses a message without Content-Length, a huge body and endless headers', () => {
    expect(() => new StreamFramer().push(crlf('BYE sip:a@b SIP/2.0\nVia: x\n\n'))).toThrow(/without Content-Length/);
    expect(() => new StreamFramer().push(crlf('BYE sip:a@b SIP/2.0\nContent-Length: 99999999\n\n'))).toThrow(/exceeds/);
    expect(() => new StreamFramer().push(Buffer.alloc(SIP_LIMITS.maxHeaderBytes + 10, 65))).toThrow(/no end of headers/);
  });
});

describe('SIP header values', () => {
  it('reads Via, URIs and tags', () => {
    expect(parseVia('SIP/2.0/TCP [::1]:5061;branch=z9hG4bKx;rport')).toMatchObject({ transport: 'TCP', host: '::1', port: 5061 });
    expect(parseUri('sip:34020000001320000001@10.1.2.3:5060;transport=udp')).toMatchObject({
      user: '34020000001320000001',
      host: '10.1.2.3',
      port: 5060,
    });
    expect(tagOf('sip:a@b;tag=q1')).toBe('q1');
    expect(() => parseVia('SIP/2.0/UDP host:70000')).toThrow(/bad port/);
    expect(() => parseUri('sip:a@b c')).toThrow(SipParseError);
  });
});
