import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeAnswer } from './verdicts.js';
import { DeadLetters } from './dead-letters.js';

const P = '/VIID/Faces';
const A = '310104000011900000010220261124153000040040600001';
const B = '310104000011900000010220261124153000040080600002';
const list = (items: Record<string, unknown>[]) => JSON.stringify({ ResponseStatusListObject: { ResponseStatusObject: items } });

describe('what an answer means for its records', () => {
  it('StatusCode 0 as a number or a string delivers; any other code, 10 included, is a refusal of that record', () => {
    expect(
      judgeAnswer(P, [A, B], {
        status: 200,
        body: list([
          { Id: A, StatusCode: '0' },
          { Id: B, StatusCode: 10, StatusString: 'flags missing' },
        ]),
      }),
    ).toEqual({
      type: 'records',
      outcomes: [{ ok: true }, { ok: false, reason: 'refused', httpStatus: 200, statusCode: 10, message: 'StatusCode 10: flags missing' }],
    });
    expect(judgeAnswer(P, [A], { status: 200, body: list([{ ID: A, StatusCode: '500' }]) })).toMatchObject({
      type: 'records',
      outcomes: [{ ok: false, reason: 'refused', statusCode: 500 }],
    });
    // Busy (2) and reboot (9) are refusals of the record too: bounded like any other.
    expect(judgeAnswer(P, [A], { status: 200, body: list([{ Id: A, StatusCode: 2 }]) })).toMatchObject({
      outcomes: [{ ok: false, statusCode: 2 }],
    });
  });

  it('a batch failing without naming a record is split; the same failure for one record alone is a strike', () => {
    for (const answer of [
      { status: 500, body: 'java.lang.NullPointerException' },
      { status: 400, body: 'bad request' },
      { status: 200, body: '<html>oops</html>' },
      { status: 200, body: JSON.stringify({ Result: 'ok' }) },
      { status: 200, body: list([{ StatusCode: 0 }, { StatusCode: 0 }, { StatusCode: 0 }]) }, // 3 statuses for 2 records, no ids
    ]) {
      expect(judgeAnswer(P, [A, B], answer).type, answer.body).toBe('split');
      expect(judgeAnswer(P, [A], answer).type, answer.body).toBe('records');
    }
    expect(judgeAnswer(P, [A], { status: 500, body: 'NPE' })).toEqual({
      type: 'records',
      outcomes: [{ ok: false, reason: 'failed', httpStatus: 500, statusCode: null, message: 'HTTP 500: NPE' }],
    });
    expect(judgeAnswer(P, [A], { status: 422, body: '' })).toMatchObject({ outcomes: [{ ok: false, reason: 'refused', httpStatus: 422 }] });
    expect(judgeAnswer(P, [A], { status: 200, body: 'nope' })).toMatchObject({ outcomes: [{ ok: false, reason: 'malformed' }] });
  });

  it('a 4xx carrying per-record statuses names the records: none of them counts as delivered', () => {
    const v = judgeAnswer(P, [A, B], {
      status: 400,
      body: list([
        { Id: A, StatusCode: 0 },
        { Id: B, StatusCode: 8 },
      ]),
    });
    expect(v).toMatchObject({
      type: 'records',
      outcomes: [
        { ok: false, statusCode: 0 },
        { ok: false, statusCode: 8 },
      ],
    });
    // A readable answer missing one record's status: a strike for that one only.
    expect(judgeAnswer(P, [A, B], { status: 200, body: list([{ Id: A, StatusCode: 0 }]) })).toMatchObject({
      outcomes: [{ ok: true }, { ok: false, reason: 'malformed' }],
    });
  });

  it('the platform being away, busy or misconfigured strikes no record', () => {
    for (const status of [404, 405, 408, 429, 502, 503, 504])
      expect(judgeAnswer(P, [A], { status, body: '' }).type, String(status)).toBe('platform');
    expect(judgeAnswer(P, [A], { transportError: 'no complete answer within 1000 ms' })).toEqual({
      type: 'platform',
      message: '/VIID/Faces: no complete answer within 1000 ms',
    });
    expect(judgeAnswer(P, [A], { status: 401, body: '' }).type).toBe('lost');
    expect(judgeAnswer(P, [A], { status: 403, body: '' }).type).toBe('lost');
  });
});

describe('dead letters (their own SQLite file)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = (limits = { keepDays: 30, maxLetters: 100 }) => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-'));
    dirs.push(dir);
    return { path: join(dir, 'dl.db'), limits };
  };
  const row = (n: number) => ({ rowid: n, id: `ev-${n}`, kind: 'face.recognized', ts: `2026-11-24T07:30:0${n}Z`, json: `{"n":${n}}` });
  const why = { recordId: 'R', reason: 'refused' as const, httpStatus: 200, statusCode: 10, message: 'StatusCode 10', attempts: 5 };

  it('keeps the event as stored across a reopen, lists newest first, and replays what was asked, in order', () => {
    const { path, limits } = open();
    let dl = new DeadLetters(path, limits);
    dl.add(row(1), why);
    dl.add(row(2), { ...why, reason: 'failed', httpStatus: 500, statusCode: null, message: 'HTTP 500' });
    dl.close();
    dl = new DeadLetters(path, limits);
    expect(dl.size()).toBe(2);
    expect(dl.list(10).map((l) => [l.eventId, l.reason, l.attempts])).toEqual([
      ['ev-2', 'failed', 5],
      ['ev-1', 'refused', 5],
    ]);
    expect(dl.nextReplay()).toBeUndefined();
    expect(dl.unknown(['ev-1', 'ev-9'])).toEqual(['ev-9']);
    expect(dl.requestReplay(['ev-2'])).toBe(1);
    expect(dl.nextReplay()?.row).toEqual(row(2));
    dl.delivered(2);
    expect(dl.nextReplay()).toBeUndefined();
    expect(dl.requestReplay('all')).toBe(1);
    // Refused again: back to waiting with the new reason.
    dl.add(row(1), { ...why, statusCode: 6, message: 'StatusCode 6' });
    expect(dl.nextReplay()).toBeUndefined();
    expect(dl.list(10)).toMatchObject([{ eventId: 'ev-1', statusCode: 6, replayRequestedAt: null }]);
    dl.close();
  });

  it('deletes letters past keepDays and beyond maxLetters', () => {
    const { path } = open();
    const dl = new DeadLetters(path, { keepDays: 1, maxLetters: 3 });
    for (let i = 1; i <= 5; i++) dl.add(row(i), why);
    expect(dl.list(10).map((l) => l.eventId)).toEqual(['ev-5', 'ev-4', 'ev-3']);
    expect(dl.prune(Date.now() + 2 * 86_400_000)).toBe(3);
    expect(dl.size()).toBe(0);
    dl.close();
  });
});
