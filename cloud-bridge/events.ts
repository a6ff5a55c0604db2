/** In-process events of the cloud bridge (declaration merging into the bus's event map). */
declare module '../gateway/core/events.js' {
  interface GatewayEvents {
    /** The link to the broker came up or went down. */
    'cloud.link': { up: boolean; url: string };
  }
}
export {};
