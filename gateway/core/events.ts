/**
 * The typed event map of the in-process bus. Each room adds its own events by declaration
 * merging, in its own folder, so this file never becomes a meeting point:
 *
 *   declare module '../core/events.js' {
 *     interface GatewayEvents { 'camera.online': { cameraId: string } }
 *   }
 */
export interface GatewayEvents {
  /** The daemon finished starting every room. */
  'gateway.started': { version: string; startedAt: string };
  /** The daemon is about to stop every room. */
  'gateway.stopping': { reason: string };
}

export type EventName = keyof GatewayEvents;
