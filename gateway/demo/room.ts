/**
 * The demo room: when the demo runs (no camera configured), it enrols the demo resident from
 * the assembled enrolment photos and registers the resident's car, at the first start, like any
 * resident and vehicle (SQLite in the data folder, vehicle.added on the outbox). It starts
 * before the cameras, so the first passage already meets an enrolled resident. When the demo
 * does not run it does nothing: nothing demo-only reaches a real install's database.
 */
import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { errMessage } from '../core/errors.js';
import { enrolResident } from '../faces/enrolment.js';
import type { FacesRoom } from '../faces/room.js';
import type { KnownVehicles } from '../plates/known-vehicles.js';
import { checkDemoAssets, demoDir } from './assets.js';
import { DEMO_RESIDENT, DEMO_RESIDENT_PLATE, dottedPlate } from './cast.js';
import { demoRuns } from './profile.js';
import { outputLang } from '../core/locale.js';
import { DOOR_SCENE } from './scene.js';

/** How long the first start waits for the face models before giving up on enrolling. */
const MODELS_WAIT_MS = 120_000;

export class DemoRoom implements Room {
  readonly name = 'demo';
  private readonly log: Logger;
  private enrolled = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { faces: FacesRoom; vehicles: KnownVehicles },
  ) {
    this.log = componentLogger(ctx.log, 'demo');
  }

  async start(): Promise<void> {
    if (!demoRuns(this.ctx.loaded.config)) return;
    const check = checkDemoAssets(demoDir());
    if (!check.ok) return; // the cameras room says how to assemble the scenes
    try {
      await this.enrolResidentOnce(check.assets.residentPhotos);
    } catch (err) {
      this.log.error({ err: errMessage(err) }, 'demo resident not enrolled; the demo door will see a stranger');
    }
    const { vehicles } = this.deps;
    if (!vehicles.list().some((v) => v.plate === DEMO_RESIDENT_PLATE)) {
      vehicles.add({ plate: DEMO_RESIDENT_PLATE, ownerId: DEMO_RESIDENT.id, kind: 'resident', note: 'demo resident' });
      this.log.info({ plate: DEMO_RESIDENT_PLATE, ownerId: DEMO_RESIDENT.id }, 'demo vehicle registered');
    }
  }

  summary(): string[] {
    if (!demoRuns(this.ctx.loaded.config) || !this.enrolled) return [];
    const plate = dottedPlate(DEMO_RESIDENT_PLATE);
    return outputLang() === 'zh'
      ? [`演示: 居民 ${DEMO_RESIDENT.name} (人脸, 车牌 ${plate}) 已登记; 陌生人和未登记车辆也会出现, 每 ${DOOR_SCENE.durationS} 秒一轮`]
      : [
          `demo: resident ${DEMO_RESIDENT.name} (face, car ${plate}) is enrolled; a stranger and an unregistered car come by too, every ${DOOR_SCENE.durationS} s`,
        ];
  }

  private async enrolResidentOnce(photos: string[]): Promise<void> {
    const { faces } = this.deps;
    if (faces.store.get(DEMO_RESIDENT.id)) {
      this.enrolled = true;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`face models not loaded within ${MODELS_WAIT_MS / 1000} s`)), MODELS_WAIT_MS);
    });
    try {
      const pipeline = await Promise.race([faces.pipeline(), timeout]);
      const resident = await enrolResident(
        { pipeline, store: faces.store },
        { id: DEMO_RESIDENT.id, name: DEMO_RESIDENT.name, photos: photos.map((p) => ({ input: p, source: p })) },
      );
      faces.identities.refresh();
      this.enrolled = true;
      this.log.info({ residentId: resident.id, name: resident.name, photos: photos.length }, 'demo resident enrolled');
    } finally {
      clearTimeout(timer);
    }
  }
}
