import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ERROR_CODES, isErrorCode } from './error-codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The daemon's and CLI's runtime sources (no tests, no test helpers). */
function runtimeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' ? [] : runtimeFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Use {
  code: string;
  where: string;
}

/**
 * Every error code written as a literal where an answer is made: the code argument of
 * `new ActionError(message, code)` and `new HttpError(status, message, code)`, and the `code` of
 * an object literal that is an error answer or an import problem (it has `error`, `status:
 * 'error'`, or sits in cli/residents-import).
 */
function codesUsed(file: string): Use[] {
  const text = readFileSync(file, 'utf8');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Use[] = [];
  const where = (n: ts.Node) => `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const literal = (n: ts.Node | undefined) => (n && ts.isStringLiteralLike(n) ? n.text : undefined);
  const isImport = relative(ROOT, file).startsWith(join('gateway', 'cli', 'residents-import'));
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) {
      const at = n.expression.text === 'ActionError' ? 1 : n.expression.text === 'HttpError' ? 2 : -1;
      const code = at >= 0 ? literal(n.arguments?.[at]) : undefined;
      if (code !== undefined) out.push({ code, where: where(n) });
    }
    if (ts.isObjectLiteralExpression(n)) {
      const props = new Map<string, ts.Expression>();
      for (const p of n.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) props.set(p.name.text, p.initializer);
      const code = literal(props.get('code'));
      const answer = props.has('error') || literal(props.get('status')) === 'error';
      if (code !== undefined && (answer || isImport)) out.push({ code, where: where(n) });
    }
    // A problem type of the import: `{ code: 'bad_id'; ... }`.
    if (
      isImport &&
      ts.isPropertySignature(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === 'code' &&
      n.type &&
      ts.isLiteralTypeNode(n.type)
    ) {
      const code = literal(n.type.literal);
      if (code !== undefined) out.push({ code, where: where(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

describe('the error-code table', () => {
  const uses = ['gateway', 'cloud-bridge'].flatMap((d) => runtimeFiles(join(ROOT, d))).flatMap(codesUsed);

  it('lists every code the source answers with', () => {
    // The file-level problems of the import (the file cannot be read, is empty...) are not
    // answers: they are printed as text before anything is sent (messages.ts fileText).
    const fileLevel = new Set(['unreadable', 'empty', 'csv', 'header', 'aborted']);
    const unknown = uses.filter((u) => !isErrorCode(u.code) && !fileLevel.has(u.code)).map((u) => `${u.where} ${u.code}`);
    expect(unknown).toEqual([]);
    // The scan finds the places it is meant to (a scan that finds nothing would pass anything).
    expect(uses.length).toBeGreaterThan(40);
    for (const c of ['unauthenticated', 'locked', 'setup_needed', 'photo_missing', 'bad_id', 'timeout', 'forbidden']) {
      expect(
        uses.some((u) => u.code === c),
        c,
      ).toBe(true);
    }
  });

  it('spells every code in snake_case, with an English and a Chinese meaning and its channels', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(spec.en.length, code).toBeGreaterThan(10);
      expect(spec.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(spec.channels.length, code).toBeGreaterThan(0);
    }
  });
});
