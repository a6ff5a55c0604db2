/**
 * Who and what appears in the demo scenes, in one place: the set-up script draws them, the
 * daemon enrols them, the tests and the README expect them.
 */

/** The two demo cameras (named with the config, which must know them) and the simulated gates they open (see gateway/rooms/demo/profile.ts). */
export { DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA } from '../../config/sections/cameras.js';
export const DEMO_DOOR_GATE = 'door-1';
export const DEMO_LANE_GATE = 'gate-1';

/** The demo resident: enrolled at the first start from photos other than the one that walks up. */
export const DEMO_RESIDENT = { id: 'demo-resident-jesper', name: 'Jesper' } as const;

/** The demo resident's car (a blue plate drawn on the car at set-up), and a car nobody registered. */
export const DEMO_RESIDENT_PLATE = '粤B3K7M9';
export const DEMO_UNKNOWN_PLATE = '粤B7Q2H5';

/** Shown on a plate: province and authority, a dot, then the serial (粤B·3K7M9). */
export function dottedPlate(plate: string): string {
  const c = [...plate];
  return c.length > 2 ? `${c.slice(0, 2).join('')}·${c.slice(2).join('')}` : plate;
}
