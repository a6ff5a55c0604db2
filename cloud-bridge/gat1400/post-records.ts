import type { Logger } from '../../gateway/core/logger.js';
import { TransportError, type HttpClient } from './http.js';
import { batchBody, ENDPOINT_PATH, withPictures, type Picture, type PictureRef, type PlannedRecord } from './mapping.js';
import type { ViidSession } from './session.js';
import { judgeAnswer, type Answer, type AnswerVerdict } from './verdicts.js';

export interface PostDeps {
  http: HttpClient;
  session: ViidSession;
  loadPictures: (refs: readonly PictureRef[]) => Promise<{ pictures: Picture[]; missing: string[] }>;
  log: Logger;
}

/**
 * One POST of records of one endpoint (Faces or MotorVehicles) with their pictures, and what the
 * answer means (verdicts.ts). No state: what to do with the verdict is the pusher's.
 */
export async function postRecords(deps: PostDeps, records: readonly PlannedRecord[]): Promise<{ path: string; verdict: AnswerVerdict }> {
  const first = records[0] as PlannedRecord;
  const path = ENDPOINT_PATH[first.endpoint];
  const objects: Record<string, unknown>[] = [];
  for (const record of records) {
    const { pictures, missing } = await deps.loadPictures(record.pictures);
    if (missing.length) deps.log.debug({ recordId: record.recordId, missing }, 'GA/T 1400 record sent without some pictures');
    objects.push(withPictures(record, pictures));
  }
  let answer: Answer;
  try {
    const a = await deps.http.request('POST', path, deps.session.headers(), JSON.stringify(batchBody(first.endpoint, objects)));
    answer = { status: a.status, body: a.body };
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    answer = { transportError: err.message };
  }
  const verdict = judgeAnswer(
    path,
    records.map((r) => r.recordId),
    answer,
  );
  return { path, verdict };
}
