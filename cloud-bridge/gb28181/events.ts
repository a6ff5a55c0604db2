/** In-process events of the GB/T 28181 room (declaration merging into the bus's event map). */
declare module '../../gateway/core/events.js' {
  interface GatewayEvents {
    /** The box is registered with the GB/T 28181 platform (first time and after every loss). */
    'gb28181.registered': { server: string; deviceId: string; expiresS: number };
    /** The registration is gone (refused, unanswered keepalives, connection lost, or stopping). */
    'gb28181.unregistered': { server: string; deviceId: string; reason: string };
  }
}

export {};
