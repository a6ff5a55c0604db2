/**
 * Reading GA/T 1400 answers (pure). Platforms differ in details, so keys are matched without
 * regard to case (`Id` and `ID` both occur), StatusCode may be a number or a numeric string, and
 * a list may hold one object instead of an array. Anything else is `malformed`.
 *
 * StatusCode (GA/T 1400.4): 0 OK, 1 other error, 2 device busy, 3 device error, 4 invalid
 * operation, 5 invalid XML format, 6 invalid XML content, 7 invalid JSON format, 8 invalid JSON
 * content, 9 reboot.
 */
export interface ItemStatus {
  id: string | undefined;
  code: number;
  text: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** 0: delivered; 4–8: the record (or request) is wrong, sending it again will not help; else retry. */
export function classifyStatusCode(code: number): 'ok' | 'refused' | 'retry' {
  if (code === 0) return 'ok';
  if (code >= 4 && code <= 8) return 'refused';
  return 'retry';
}

/** `ResponseStatusObject` of a System request (Register, Keepalive, UnRegister). */
export function parseResponseStatus(text: string): Parsed<ItemStatus> {
  const root = parseJsonObject(text);
  if (!root.ok) return root;
  const obj = field(root.value, 'ResponseStatusObject');
  if (!isObject(obj)) return { ok: false, error: 'no ResponseStatusObject in the answer' };
  return readStatus(obj);
}

/**
 * `ResponseStatusListObject.ResponseStatusObject[]` of a batch POST. A lone
 * `ResponseStatusObject` (some platforms answer a batch with one status) is returned as a list
 * of one without an id.
 */
export function parseResponseStatusList(text: string): Parsed<ItemStatus[]> {
  const root = parseJsonObject(text);
  if (!root.ok) return root;
  const list = field(root.value, 'ResponseStatusListObject');
  const single = field(root.value, 'ResponseStatusObject');
  let items: unknown;
  if (isObject(list)) items = field(list, 'ResponseStatusObject');
  else if (isObject(single)) items = [single];
  else return { ok: false, error: 'neither ResponseStatusListObject nor ResponseStatusObject in the answer' };
  const arr = Array.isArray(items) ? items : isObject(items) ? [items] : undefined;
  if (!arr) return { ok: false, error: 'ResponseStatusListObject without a ResponseStatusObject list' };
  const out: ItemStatus[] = [];
  for (const item of arr) {
    if (!isObject(item)) return { ok: false, error: 'a ResponseStatusObject is not an object' };
    const s = readStatus(item);
    if (!s.ok) return s;
    out.push(s.value);
  }
  return { ok: true, value: out };
}

/**
 * The status of each sent record, by id: matched on `Id`; when no status carries an id, by
 * position if the counts agree, or a single status for the whole batch. A record without a
 * status gets undefined (not acknowledged).
 */
export function statusesFor(ids: readonly string[], statuses: readonly ItemStatus[]): (ItemStatus | undefined)[] {
  const withId = statuses.filter((s) => s.id !== undefined);
  if (withId.length > 0) {
    const byId = new Map(withId.map((s) => [s.id as string, s]));
    return ids.map((id) => byId.get(id));
  }
  if (statuses.length === ids.length) return [...statuses];
  if (statuses.length === 1) return ids.map(() => statuses[0]);
  return ids.map(() => undefined);
}

/** `SystemTimeObject.LocalTime` (yyyyMMddHHmmss) of GET /VIID/System/Time. */
export function parseSystemTime(text: string): Parsed<{ localTime: string; timeZone: string | undefined }> {
  const root = parseJsonObject(text);
  if (!root.ok) return root;
  const obj = field(root.value, 'SystemTimeObject');
  if (!isObject(obj)) return { ok: false, error: 'no SystemTimeObject in the answer' };
  const localTime = field(obj, 'LocalTime');
  if (typeof localTime !== 'string' || !/^\d{14}$/.test(localTime))
    return { ok: false, error: 'SystemTimeObject.LocalTime is not yyyyMMddHHmmss' };
  const tz = field(obj, 'TimeZone');
  return { ok: true, value: { localTime, timeZone: typeof tz === 'string' ? tz : undefined } };
}

function readStatus(obj: Record<string, unknown>): Parsed<ItemStatus> {
  const raw = field(obj, 'StatusCode');
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
  if (code === undefined || !Number.isInteger(code)) return { ok: false, error: `StatusCode is ${JSON.stringify(raw)}, not a number` };
  const id = field(obj, 'Id');
  const text = field(obj, 'StatusString');
  return {
    ok: true,
    value: {
      id: typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined,
      code,
      text: typeof text === 'string' ? text : undefined,
    },
  };
}

function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `answer is not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  return isObject(value) ? { ok: true, value } : { ok: false, error: 'answer is not a JSON object' };
}

function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
