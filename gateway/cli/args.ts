import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';
import { errMessage } from '../core/errors.js';

/** node:util parseArgs with strict checking; a parse error becomes a UsageError. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(errMessage(err));
  }
}
