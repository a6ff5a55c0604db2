/**
 * Every `code` the box or its tools can answer, in one spelling (snake_case), with its meaning in
 * English and Chinese and the channels that answer it: the one table. The README's table is
 * generated from it (`npm run -s docs`), the types of ActionError, the console's HttpError and
 * the import report's problems are its keys, and error-codes.test.ts fails on a code used in the
 * source that is not listed here.
 */

/**
 * Who answers a code: `mqtt` (response/<action>), `console` (the web console's API), `cli`
 * (`sharpeyes request` and the commands that reach a running daemon), `import` (a refused row of
 * `sharpeyes residents import`, its `--json` report).
 */
export type ErrorChannel = 'mqtt' | 'console' | 'cli' | 'import';

export interface ErrorCodeSpec {
  readonly en: string;
  readonly zh: string;
  readonly channels: readonly ErrorChannel[];
}

const ALL: readonly ErrorChannel[] = ['mqtt', 'console', 'cli'];

/** The codes an action refuses with (ActionError), over every channel. */
const ACTION_CODES = {
  bad_request: {
    en: 'The request could not be read: not JSON, or not {transaction, input}.',
    zh: '请求无法读取：不是 JSON，或不是 {transaction, input}。',
    channels: ALL,
  },
  too_large: { en: 'The request is larger than cloud.maxRequestBytes.', zh: '请求超过 cloud.maxRequestBytes。', channels: ALL },
  unknown_action: {
    en: 'No such action on this box (the message lists the ones it answers).',
    zh: '网关没有此操作（消息列出可用的操作）。',
    channels: ALL,
  },
  invalid_input: {
    en: "The input does not match the action's schema, or a value is out of range; the message names the field.",
    zh: '输入不符合操作的格式，或数值超出范围；消息指出字段。',
    channels: ALL,
  },
  not_found: {
    en: 'The gate, camera, resident, vehicle, snapshot or alarm named does not exist.',
    zh: '指定的闸机、摄像机、住户、车辆、抓拍或报警不存在。',
    channels: ALL,
  },
  unsupported: { en: "The device's profile has no such command.", zh: '设备型号不支持此指令。', channels: ALL },
  photo_refused: {
    en: 'An enrolment photo was refused (no face, several faces, too small, blurred, turned away); the message says which.',
    zh: '登记照片不合格（无人脸、多张人脸、过小、模糊、侧脸）；消息说明原因。',
    channels: ALL,
  },
  unavailable: {
    en: 'The feature is not running now: models missing, camera without a frame yet, recognition disabled.',
    zh: '功能暂不可用：缺少模型、摄像机尚无画面或识别已关闭。',
    channels: ALL,
  },
  offline: { en: 'The device does not answer (serial line down or silent).', zh: '设备无响应（串口断开或无应答）。', channels: ALL },
  refused: {
    en: 'Refused by the fail-safe policy (a fire alarm holds the gate open), or a change the box does not allow (the last admin).',
    zh: '被安全策略拒绝（火警时闸机保持常开），或网关不允许的更改（最后一个管理员）。',
    channels: ALL,
  },
  failed: {
    en: 'The device did not acknowledge, or the action could not be carried out.',
    zh: '设备未确认，或操作无法完成。',
    channels: ALL,
  },
  stale: {
    en: 'A change without ts (ISO 8601 with a zone) and nonce, older than cloud.requestMaxAgeS, or dated in the future.',
    zh: '更改缺少 ts（带时区的 ISO 8601）和 nonce，早于 cloud.requestMaxAgeS，或时间在未来。',
    channels: ALL,
  },
  replayed: {
    en: 'A change whose nonce the same account already used (also before a restart).',
    zh: '同一账号已用过此 nonce 的更改（重启前用过的也算）。',
    channels: ALL,
  },
  forbidden: {
    en: "The requester's role may not run this action, or its MQTT account has no role (cloud.accounts).",
    zh: '请求者的角色无权执行此操作，或其 MQTT 账号没有角色（cloud.accounts）。',
    channels: ALL,
  },
  busy: {
    en: 'Too many requests at once, or this action too often: try again shortly.',
    zh: '请求过多或过于频繁：请稍后再试。',
    channels: ALL,
  },
  internal: { en: 'An unexpected error inside the gateway (logged).', zh: '网关内部意外错误（已记录日志）。', channels: ALL },
} as const satisfies Record<string, ErrorCodeSpec>;

/** The console's own codes (login and set-up), besides the actions'. */
const CONSOLE_CODES = {
  unauthenticated: {
    en: 'No live session, a wrong name or password, or a wrong metrics bearer token.',
    zh: '没有有效会话、用户名或密码错误，或监控指标的令牌错误。',
    channels: ['console'],
  },
  locked: {
    en: 'Too many failed logins: wait (Retry-After says how long).',
    zh: '登录失败次数过多：请等待（Retry-After 给出时长）。',
    channels: ['console'],
  },
  setup_needed: {
    en: 'No admin account yet: create one with sharpeyes users add NAME --role admin.',
    zh: '尚无管理员账号：用 sharpeyes users add NAME --role admin 创建。',
    channels: ['console'],
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Said by the CLI itself when the daemon does not answer. */
const CLI_CODES = {
  timeout: {
    en: 'No answer from the gateway in time (not running, not connected to this broker, or another node id).',
    zh: '网关未及时应答（未运行、未连接到此消息服务器，或节点编号不对）。',
    channels: ['cli', 'import'],
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Why `sharpeyes residents import` did not send a row (its report's `code`). */
const IMPORT_CODES = {
  missing: { en: 'A required column (id, name) is empty.', zh: '必填列（编号、姓名）为空。', channels: ['import'] },
  bad_id: {
    en: 'The id is not letters, digits, "_", "-" or ".", at most 64.',
    zh: '编号只能用字母、数字、"_"、"-"、"."，最多 64 个字符。',
    channels: ['import'],
  },
  bad_kind: { en: 'The kind is neither resident nor visitor.', zh: '类型既不是住户也不是访客。', channels: ['import'] },
  bad_time: { en: 'validFrom or validUntil is not a time.', zh: '生效或失效时间不是时间。', channels: ['import'] },
  bad_version: { en: 'The version is not a whole number >= 0.', zh: '版本不是非负整数。', channels: ['import'] },
  too_many_photos: {
    en: 'More photos than faces.enrolment allows for one person.',
    zh: '照片数超过每人允许的张数。',
    channels: ['import'],
  },
  bad_detail: {
    en: 'building, unit, room, phone or groups is malformed or too long.',
    zh: '楼栋、单元、房号、电话或门禁组不合格或过长。',
    channels: ['import'],
  },
  duplicate_id: { en: 'The same id as an earlier line of the file.', zh: '编号与文件中前面的行重复。', channels: ['import'] },
  photo_missing: { en: 'The photo file does not exist.', zh: '照片文件不存在。', channels: ['import'] },
  photo_outside: {
    en: 'The photo is outside the --photos folder: not read.',
    zh: '照片不在 --photos 文件夹内，拒绝读取。',
    channels: ['import'],
  },
  photo_too_large: {
    en: 'The photo file is larger than faces.enrolment.maxPhotoBytes.',
    zh: '照片文件超过 faces.enrolment.maxPhotoBytes。',
    channels: ['import'],
  },
  photo_unreadable: { en: 'The photo file cannot be read.', zh: '照片文件无法读取。', channels: ['import'] },
  box: {
    en: "The box refused the row: boxCode is the box's own code (above), error its message.",
    zh: '网关拒绝了此行：boxCode 是网关的错误码（见上），error 是其消息。',
    channels: ['import'],
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** The one table, in the order of the README. */
export const ERROR_CODES: Readonly<Record<AnyErrorCode, ErrorCodeSpec>> = {
  ...ACTION_CODES,
  ...CONSOLE_CODES,
  ...CLI_CODES,
  ...IMPORT_CODES,
};

/** A code an action refuses with (ActionError), over MQTT, the console and the CLI. */
export type ErrorCode = keyof typeof ACTION_CODES;
/** The codes a response over MQTT can carry (its JSON Schema's enum). */
export const ACTION_ERROR_CODES = Object.keys(ACTION_CODES) as [ErrorCode, ...ErrorCode[]];
/** A code of the console's API: an action's, or a login/set-up one. */
export type ConsoleErrorCode = ErrorCode | keyof typeof CONSOLE_CODES;
/** A code of a refused row in `sharpeyes residents import`. */
export type ImportCode = keyof typeof IMPORT_CODES;
export type AnyErrorCode = keyof typeof ACTION_CODES | keyof typeof CONSOLE_CODES | keyof typeof CLI_CODES | keyof typeof IMPORT_CODES;

/** Whether a string is a code of the table. */
export function isErrorCode(code: string): code is AnyErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
