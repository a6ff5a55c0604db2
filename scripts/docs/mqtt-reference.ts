/**
 * Renders the MQTT API tables (event kinds, request actions) from the code: the event
 * catalogue and the action table the rooms fill when the controller is built (nothing is started).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedEvents } from '../../gateway/events.js';
import { ERROR_CODES } from '../../gateway/core/error-codes.js';
import { RENAMED_EVENTS, RENAMED_PREFIXES, RENAMED_VALUES } from '../../gateway/core/wire-spelling.js';
import type { Priority } from '../../gateway/core/event-spec.js';
import { parseConfig } from '../../gateway/config/load.js';
import { createLogger } from '../../gateway/core/logger.js';
import { checkConfig } from '../../gateway/check-config.js';
import { Controller } from '../../gateway/controller.js';

const PRIORITY: Record<Priority, string> = { 'never-dropped': 'never dropped', normal: 'normal', compactable: 'low (compacted first)' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderEventTable(): string {
  const rows = publishedEvents().map(
    ([kind, spec]) =>
      `| \`events/${kind}\` | ${PRIORITY[spec.priority]} | ${cell(spec.schema.description ?? '')} | [schema](cloud-bridge/schemas/events/${kind}.json) |`,
  );
  return ['| topic (under `<prefix>/<nodeId>/`) | when the uplink is down | meaning | data |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderActionTable(): string {
  const dir = mkdtempSync(join(tmpdir(), 'se-docs-'));
  try {
    const loaded = parseConfig(`node: {id: docs, dataDir: ${JSON.stringify(dir)}}\n`, { source: 'docs', baseDir: dir, env: {} });
    const controller = new Controller(checkConfig(loaded), createLogger({ level: 'silent' }));
    const { actions } = controller.ctx;
    const rows = actions.names().map((name) => `| \`request/${name}\` | ${cell(actions.get(name)?.description ?? '')} |`);
    controller.ctx.db.close();
    return ['| topic (answer on `response/<action>`) | what it does |', '|---|---|', ...rows].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderErrorCodes(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, spec]) => `| \`${code}\` | ${spec.channels.join(', ')} | ${cell(spec.en)} | ${cell(spec.zh)} |`,
  );
  return ['| code | answered by | meaning | 含义 |', '|---|---|---|---|', ...rows].join('\n');
}

/** The spellings envelope version 2 renamed (gateway/core/wire-spelling.ts). */
export function renderRenamedSpellings(): string {
  const rows = [
    ...Object.entries(RENAMED_EVENTS).map(([old, now]) => `| event name | \`${old}\` | \`${now}\` |`),
    ...Object.entries(RENAMED_VALUES).map(([old, { now, field }]) => `| ${field} | \`${old}\` | \`${now}\` |`),
    ...Object.entries(RENAMED_PREFIXES).map(([old, { now, field }]) => `| ${field} | \`${old}N\` | \`${now}N\` |`),
  ];
  return ['| event name or field | until 0.1 (envelope `v: 1`) | from 0.2 (envelope `v: 2`) |', '|---|---|---|', ...rows].join('\n');
}
