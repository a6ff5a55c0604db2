/**
 * The two places an import sends its rows, through the same residents/upsert action and so the
 * same checks as a platform request: the running daemon over MQTT (as the platform does), or,
 * with --offline, the data folder's database through the action table in this process (the
 * face models load here, once, when the first row with photos needs them). Both are audited
 * with the local user as the actor.
 */
import type { LoadedConfig } from '../../config/load.js';
import { createContext } from '../../core/context.js';
import { createLogger } from '../../core/logger.js';
import { ActionError } from '../../core/actions.js';
import { errMessage } from '../../core/errors.js';
import { cliActor } from '../../cli/actor.js';
import { RequestClient, RequestTimeoutError } from '../../../cloud-bridge/mqtt/request-client.js';
import { registerResidentActions } from '../../rooms/faces/actions.js';
import { GroupStore } from '../../rooms/access/group-store.js';
import { openPipeline } from '../../rooms/faces/cli-support.js';
import { Identities } from '../../rooms/faces/identities.js';
import type { FacePipeline } from '../../rooms/faces/pipeline.js';
import { ResidentStore } from '../../rooms/faces/store/resident-store.js';
import type { CallResult, ImportTarget, UpsertInput } from './importer.js';

/** Long enough for a loaded box to check five photos; a timeout is retried (the version makes it harmless). */
const UPSERT_TIMEOUT_MS = 120_000;

const listVersions = (data: unknown) =>
  new Map(
    (data as { residents: Array<{ id: string; version: number | null }> }).residents
      .filter((r) => r.version !== null)
      .map((r) => [r.id, r.version as number]),
  );

export async function daemonTarget(loaded: LoadedConfig): Promise<ImportTarget> {
  const client = await RequestClient.connect(loaded);
  const call = async (action: string, input: unknown, ms: number): Promise<CallResult> => {
    try {
      const r = await client.request(action, input, ms);
      return r.status === 'ok' ? { ok: true, data: r.data } : { ok: false, code: r.code, error: r.error };
    } catch (err) {
      if (err instanceof RequestTimeoutError) return { ok: false, code: 'timeout', error: err.message };
      if (/larger than the \d+ bytes allowed/.test(errMessage(err))) return { ok: false, code: 'too_large', error: errMessage(err) };
      throw err;
    }
  };
  return {
    async versions() {
      const r = await call('residents/list', {}, 30_000);
      if (!r.ok) throw new Error(`residents/list refused (${r.code}): ${r.error}`);
      return listVersions(r.data);
    },
    upsert: (input: UpsertInput) => call('residents/upsert', input, UPSERT_TIMEOUT_MS),
    close: () => client.close(),
  };
}

export async function offlineTarget(loaded: LoadedConfig): Promise<ImportTarget> {
  const ctx = createContext(loaded, createLogger({ level: 'silent' }));
  const store = new ResidentStore({ db: ctx.db });
  const identities = new Identities({ store });
  let pipeline: Promise<{ pipeline: FacePipeline; close(): Promise<void> }> | undefined;
  const groups = new GroupStore(ctx.db);
  registerResidentActions(ctx.actions, loaded.config.faces, () => ({
    store,
    groups,
    identities,
    pipeline: async () => (await (pipeline ??= openPipeline(loaded))).pipeline,
  }));
  const run = async (action: string, input: unknown): Promise<CallResult> => {
    try {
      return { ok: true, data: await ctx.actions.run(action, input, { actor: cliActor(), transaction: 'import' }) };
    } catch (err) {
      if (err instanceof ActionError) return { ok: false, code: err.code, error: err.message };
      throw err;
    }
  };
  return {
    async versions() {
      const r = await run('residents/list', {});
      if (!r.ok) throw new Error(r.error);
      return listVersions(r.data);
    },
    upsert: (input) => run('residents/upsert', input),
    async close() {
      await (await pipeline?.catch(() => undefined))?.close();
      ctx.events.stop();
      ctx.db.close();
    },
  };
}
