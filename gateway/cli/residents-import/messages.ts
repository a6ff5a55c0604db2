/**
 * What `sharpeyes residents import` tells people, in Chinese or English (cli/lang.ts): each
 * refused row's reason, the progress label and the final report. The box's own refusals
 * (photo_refused, invalid_input...) keep the box's message after a translated category.
 */
import type { Lang } from '../../core/locale.js';
import type { ImportReport, Problem, RowOutcome } from './importer.js';
import type { Column } from './rows.js';

const COLUMN_ZH: Record<Column, string> = {
  id: '编号 (id)',
  name: '姓名 (name)',
  kind: '类型 (kind)',
  photo: '照片 (photo)',
  validFrom: '生效时间 (validFrom)',
  validUntil: '失效时间 (validUntil)',
  hostId: '被访住户 (hostId)',
  version: '版本 (version)',
  building: '楼栋 (building)',
  unit: '单元 (unit)',
  room: '房号 (room)',
  phone: '电话 (phone)',
  groups: '门禁组 (groups)',
  gates: '通行门 (gates)',
};

const BOX_ZH: Record<string, string> = {
  photo_refused: '照片不合格',
  invalid_input: '内容不合格',
  unavailable: '人脸识别不可用',
  too_large: '请求过大',
  timeout: '网关无应答',
  busy: '网关繁忙',
  forbidden: '无权限',
};

export function problemText(p: Problem, lang: Lang): string {
  const zh = lang === 'zh';
  switch (p.code) {
    case 'missing':
      return zh ? `缺少${COLUMN_ZH[p.column]}` : `no ${p.column}`;
    case 'bad_id':
      return zh
        ? `编号 "${p.value}" 不合格：只能用字母、数字、"_"、"-"、"."，最多 64 个字符`
        : `id "${p.value}": letters, digits, "_", "-" or ".", at most 64`;
    case 'bad_kind':
      return zh ? `类型 "${p.value}" 不认识：填 住户 或 访客 (resident / visitor)` : `kind "${p.value}": resident or visitor`;
    case 'bad_time':
      return zh
        ? `${COLUMN_ZH[p.column]} "${p.value}" 不是时间：例如 2026-11-24 18:00 或 2026-11-24T18:00:00+08:00`
        : `${p.column} "${p.value}" is not a time: e.g. 2026-11-24 18:00 or 2026-11-24T18:00:00+08:00`;
    case 'bad_version':
      return zh ? `版本 "${p.value}" 必须是非负整数` : `version "${p.value}" must be a whole number >= 0`;
    case 'too_many_photos':
      return zh ? `照片 ${p.count} 张，最多 ${p.max} 张` : `${p.count} photos, at most ${p.max}`;
    case 'bad_detail':
      return zh
        ? `${COLUMN_ZH[p.column]} "${p.value}" 不合格${p.column === 'phone' ? '：只能用数字、空格、+ - ( )，最多 32 个字符' : p.column === 'groups' ? '：组编号只能用字母、数字、"_"、"-"、"."' : '：最多 64 个字符'}`
        : `${p.column} "${p.value}": ${p.column === 'phone' ? 'digits, spaces, + - ( ), at most 32' : p.column === 'groups' ? 'group ids are letters, digits, "_", "-", "."' : 'at most 64 characters'}`;
    case 'duplicate_id':
      return zh ? `编号与第 ${p.firstLine} 行重复` : `same id as line ${p.firstLine}`;
    case 'photo_missing':
      return zh ? `照片文件 ${p.name} 不存在` : `photo file ${p.name} not found`;
    case 'photo_outside':
      return zh ? `照片 ${p.name} 不在 --photos 文件夹内，拒绝读取` : `photo ${p.name} is outside the --photos folder: not read`;
    case 'photo_too_large':
      return zh
        ? `照片 ${p.name} 有 ${p.bytes} 字节，超过 faces.enrolment.maxPhotoBytes (${p.max})`
        : `photo ${p.name} is ${p.bytes} bytes, more than faces.enrolment.maxPhotoBytes (${p.max})`;
    case 'photo_unreadable':
      return zh ? `照片 ${p.name} 无法读取：${p.error}` : `photo ${p.name} cannot be read: ${p.error}`;
    case 'box':
      return zh ? `${BOX_ZH[p.boxCode] ?? p.boxCode}：${p.error}` : `${p.boxCode}: ${p.error}`;
  }
}

export function outcomeText(o: RowOutcome, lang: Lang): string {
  const zh = lang === 'zh';
  switch (o.status) {
    case 'applied':
      return (
        (zh ? `已写入 (版本 ${o.version})` : `applied (version ${o.version})`) +
        (o.photosRefused?.length
          ? zh
            ? `；未采用的照片：${o.photosRefused.map((p) => `${p.photo}：${p.reason}`).join('；')}`
            : `; photos not used: ${o.photosRefused.map((p) => `${p.photo}: ${p.reason}`).join('; ')}`
          : '')
      );
    case 'unchanged':
      return zh ? `已是版本 ${o.version}，跳过` : `already at version ${o.version}, skipped`;
    case 'stale':
      return zh
        ? `网关已有更新的版本 ${o.held}${o.deleted ? '（已删除）' : ''}，本行版本 ${o.version} 未写入`
        : `the box holds version ${o.held}${o.deleted ? ' (deleted)' : ''}, newer than this row's ${o.version}: not applied`;
    case 'refused':
      return zh ? `拒绝：${problemText(o.problem, lang)}` : `refused: ${problemText(o.problem, lang)}`;
  }
}

/** Progress label of one row. */
export function rowLabel(o: RowOutcome, lang: Lang): string {
  return `${lang === 'zh' ? `第 ${o.line} 行` : `line ${o.line}`} ${o.id || '-'}: ${outcomeText(o, lang)}`;
}

export function reportText(r: ImportReport, lang: Lang): string {
  const lines: string[] = [];
  // Rows after an interruption or an import the box could not take.
  const left = r.rows - r.applied - r.unchanged - r.stale - r.refused;
  if (lang === 'zh') {
    lines.push(
      `共 ${r.rows} 行：写入 ${r.applied}，已是最新 ${r.unchanged}，版本较旧 ${r.stale}，拒绝 ${r.refused}${left ? `，未处理 ${left}` : ''}${r.interrupted ? '（已中断，再次运行可继续）' : ''}`,
    );
    if (r.notApplied.length) lines.push('未写入的行：');
  } else {
    lines.push(
      `${r.rows} rows: ${r.applied} applied, ${r.unchanged} already there, ${r.stale} stale, ${r.refused} refused${left ? `, ${left} not tried` : ''}${r.interrupted ? ' (interrupted: run it again to go on)' : ''}`,
    );
    if (r.notApplied.length) lines.push('rows not applied:');
  }
  for (const o of r.notApplied) lines.push(`  ${rowLabel(o, lang)}`);
  return `${lines.join('\n')}\n`;
}

/** The machine-readable report (--json), the same in every language. */
export function reportJson(r: ImportReport, extra: Record<string, unknown>): string {
  return `${JSON.stringify({
    ...extra,
    rows: r.rows,
    applied: r.applied,
    unchanged: r.unchanged,
    stale: r.stale,
    refused: r.refused,
    interrupted: r.interrupted,
    notApplied: r.notApplied.map((o) =>
      o.status === 'stale'
        ? { line: o.line, id: o.id, status: o.status, version: o.version, held: o.held, deleted: o.deleted }
        : { line: o.line, id: o.id, status: o.status, ...o.problem, reason: problemText(o.problem, 'en') },
    ),
  })}\n`;
}

/** Why the file itself cannot be imported (nothing was sent), or why the import stopped. */
export type FileProblem =
  | { code: 'unreadable'; file: string; error: string }
  | { code: 'empty'; file: string }
  | { code: 'csv'; file: string; line: number; error: string }
  | { code: 'header'; file: string; missing: Column[] }
  | { code: 'aborted'; file: string; error: string };

export function fileText(p: FileProblem, lang: Lang): string {
  const zh = lang === 'zh';
  switch (p.code) {
    case 'unreadable':
      return zh ? `无法读取 ${p.file}：${p.error}` : `cannot read ${p.file}: ${p.error}`;
    case 'empty':
      return zh
        ? `${p.file} 是空文件：第一行应为表头（编号,姓名,照片...）`
        : `${p.file} is empty: the first line is the header (id,name,photo...)`;
    case 'csv':
      return zh ? `${p.file} 第 ${p.line} 行不是合格的 CSV：${p.error}` : `${p.file} line ${p.line} is not valid CSV: ${p.error}`;
    case 'header':
      return zh
        ? `${p.file} 的表头缺少 ${p.missing.map((c) => COLUMN_ZH[c]).join('、')} 列（第一行应为表头，例如 编号,姓名,照片）`
        : `the header of ${p.file} has no ${p.missing.join(', ')} column (the first line is the header, e.g. id,name,photo)`;
    case 'aborted':
      return zh
        ? `导入已停止，网关无法接收任何一行：${p.error}；修复后再次运行即可继续`
        : `import stopped, the box cannot take any row: ${p.error}; fix it and run the import again to go on`;
  }
}

export function unknownColumnsText(cells: readonly string[], lang: Lang): string {
  return lang === 'zh' ? `忽略不认识的列：${cells.join('、')}` : `ignored unknown columns: ${cells.join(', ')}`;
}
