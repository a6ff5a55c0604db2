/**
 * The demo room: when the demo runs (no camera configured), it owns the demo cameras (a local
 * RTSP server playing the assembled scenes, with their settings: gateway/rooms/demo/profile.ts) and
 * plays them for the cameras room (DemoCameraFeeds, its CameraFeeds), and at the first start it enrols the demo
 * resident from the assembled enrolment photos and registers the resident's car, like any
 * resident and vehicle (SQLite in the data folder, vehicle.added on the outbox), through the
 * faces and plates rooms' services. It starts before the cameras, so the first passage already
 * meets an enrolled resident. When the demo does not run it does nothing: nothing demo-only
 * reaches a real install's database.
 */
import type { GatewayContext } from '../../core/context.js';
import type { Room, Scope } from '../../core/room.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import { errMessage } from '../../core/errors.js';
import type { ResidentEnrolment } from '../faces/services.js';
import type { VehicleRegister } from '../plates/services.js';
import { checkDemoAssets, demoDir } from './assets.js';
import type { DemoCameraFeeds } from './cameras.js';
import { DEMO_RESIDENT, DEMO_RESIDENT_PLATE, dottedPlate } from './cast.js';
import { demoRuns } from './profile.js';
import { outputLang } from '../../core/locale.js';
import { DOOR_SCENE } from './scene.js';

/** How long the first start waits for the face models before giving up on enrolling. */
const MODELS_WAIT_MS = 120_000;

export class DemoRoom implements Room {
  readonly name = 'demo';
  private readonly log: Logger;
  private enrolled = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { cameras: DemoCameraFeeds; enrolment: ResidentEnrolment; vehicles: VehicleRegister },
  ) {
    this.log = componentLogger(ctx.log, 'demo');
  }

  async start(scope: Scope): Promise<void> {
    if (!demoRuns(this.ctx.loaded.config)) return;
    await this.deps.cameras.play(scope, this.log);
    const check = checkDemoAssets(demoDir());
    if (!check.ok) return; // startDemoCameras said how to assemble the scenes
    try {
      await this.enrolResidentOnce(check.assets.residentPhotos, scope);
    } catch (err) {
      this.log.error({ err: errMessage(err) }, 'demo resident not enrolled; the demo door will see a stranger');
    }
    const { vehicles } = this.deps;
    if (!vehicles.get(DEMO_RESIDENT_PLATE)) {
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

  private async enrolResidentOnce(photos: string[], scope: Scope): Promise<void> {
    const { enrolment } = this.deps;
    if (enrolment.isEnrolled(DEMO_RESIDENT.id)) {
      this.enrolled = true;
      return;
    }
    const deadline = new AbortController();
    const cancel = scope.after(MODELS_WAIT_MS, () => deadline.abort(new Error(`face models not loaded within ${MODELS_WAIT_MS / 1000} s`)));
    try {
      const resident = await enrolment.enrolFromPhotos({ id: DEMO_RESIDENT.id, name: DEMO_RESIDENT.name, photos }, deadline.signal);
      this.enrolled = true;
      this.log.info({ residentId: resident.id, name: resident.name, photos: photos.length }, 'demo resident enrolled');
    } finally {
      cancel();
    }
  }
}
