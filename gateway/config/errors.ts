import type { z } from 'zod';
import { redactText } from '../core/redact.js';

/** A config that cannot be used. `problems` has one readable line per fault. */
export class ConfigError extends Error {
  /** One line per fault, redacted (a line quoting a camera URL carries no password). */
  readonly problems: string[];

  constructor(
    readonly source: string,
    problems: string[],
  ) {
    const lines = problems.map(redactText);
    super(`invalid configuration (${source}):\n${lines.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = lines;
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string | undefined;
  try {
    s = JSON.stringify(value);
  } catch {
    // Nested deeper than the stack (a hostile request): say what it is instead.
    return Array.isArray(value) ? 'an array nested too deep to show' : `${typeof value} nested too deep to show`;
  }
  if (s === undefined) return String(value);
  // Redacted before it is cut short: a URL cut before its `@` would no longer look like one.
  s = redactText(s);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Turns zod issues into lines naming the path, the bad value and what is allowed. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = pathOf(issue.path);
    const got = 'input' in issue ? show(issue.input) : undefined;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const prefix = issue.path.length ? `${where}.` : '';
        const secret = issue.keys.find((k) => /pass(word)?$|secret$|token$/i.test(k));
        if (secret)
          return `${prefix}${secret}: unknown key (secrets are never inline: put it in a file readable only by the gateway and name it with ${secret}File)`;
        return `${issue.keys.map((k) => prefix + k).join(', ')}: unknown key${issue.keys.length > 1 ? 's' : ''} (check the spelling; see the config reference in README.md)`;
      }
      case 'invalid_value':
        return `${where}: got ${got}, allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      case 'invalid_type':
        return `${where}: got ${got === 'nothing' ? 'nothing' : `${got}`}, expected ${issue.expected}${got === 'nothing' ? ' (required)' : ''}`;
      case 'too_small':
        return `${where}: got ${got}, must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
      case 'too_big':
        return `${where}: got ${got}, must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
      default:
        return `${where}: got ${got}, ${issue.message}`;
    }
  });
}
