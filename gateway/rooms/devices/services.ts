/**
 * The services the devices room offers: what other rooms use is in gateway/core/services.ts;
 * DevicesService (its own actions and the console) adds the devices themselves.
 */
import type { Device } from './device.js';
import type { GateControl } from '../../core/services.js';

export type { DeviceDirectory, DeviceInfo, FireInputs, GateControl, GateResult } from '../../core/services.js';

export interface DevicesService extends GateControl {
  list(): ReturnType<Device['snapshot']>[];
  device(id: string): Device | undefined;
  simulatorControl(deviceId: string, line: string): Promise<string>;
}
