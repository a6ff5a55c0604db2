/**
 * What the `residents`, `identify` and `eval faces` commands share: the config, the database
 * in the data folder (the same file the daemon uses; it picks up changes by polling), and the
 * face pipeline loaded in this process.
 */
import { resolve } from 'node:path';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../../config/load.js';
import { Database } from '../../store/database.js';
import { FaceModels } from './models.js';
import { FacePipeline } from './pipeline.js';
import { pipelineOptions } from './settings.js';
import { ResidentStore } from './store/resident-store.js';

export function loadFacesConfig(configFile: string | undefined): LoadedConfig {
  return loadConfig(configFile ?? process.env.SHARPEYES_CONFIG);
}

export function openResidentStore(loaded: LoadedConfig): { db: Database; store: ResidentStore } {
  const dataDir = resolveConfigPath(loaded, loaded.config.node.dataDir);
  const db = new Database(resolve(dataDir, 'gateway.db'));
  return { db, store: new ResidentStore({ db }) };
}

export async function openPipeline(loaded: LoadedConfig): Promise<{ pipeline: FacePipeline; close(): Promise<void> }> {
  const cfg = loaded.config.faces;
  const models = new FaceModels({ name: 'faces-cli', liveness: cfg.liveness.enabled });
  try {
    await models.load();
  } catch (err) {
    await models.close();
    throw err;
  }
  return { pipeline: new FacePipeline({ models, options: pipelineOptions(cfg) }), close: () => models.close() };
}
