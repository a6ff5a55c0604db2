/**
 * The topic map of one node, under `<prefix>/<nodeId>/`. Pure functions; the only place that
 * knows how topics are spelled.
 *
 *   status               retained `online` / `offline` (the last will)
 *   devices/<id>/availability  retained `online` / `offline` of each device
 *   events/<kind>        QoS 1 event envelopes from the outbox
 *   request/<action>     platform → node commands (action names may contain `/`)
 *   response/<action>    node → platform answers, echoing the request's transaction
 */
export interface Topics {
  readonly base: string;
  readonly status: string;
  deviceAvailability(deviceId: string): string;
  event(kind: string): string;
  readonly eventsWildcard: string;
  request(action: string): string;
  readonly requestWildcard: string;
  response(action: string): string;
  /** The action named by a request topic, or undefined when the topic is not a request. */
  actionOfRequest(topic: string): string | undefined;
  /** The event kind named by an events topic, or undefined. */
  kindOfEvent(topic: string): string | undefined;
}

export function topicsFor(prefix: string, nodeId: string): Topics {
  const base = `${prefix.replace(/\/+$/, '')}/${nodeId}`;
  const after = (topic: string, level: string): string | undefined => {
    const head = `${base}/${level}/`;
    if (!topic.startsWith(head)) return undefined;
    const rest = topic.slice(head.length);
    return rest === '' ? undefined : rest;
  };
  return {
    base,
    status: `${base}/status`,
    deviceAvailability: (deviceId) => `${base}/devices/${deviceId}/availability`,
    event: (kind) => `${base}/events/${kind}`,
    eventsWildcard: `${base}/events/#`,
    request: (action) => `${base}/request/${action}`,
    requestWildcard: `${base}/request/#`,
    response: (action) => `${base}/response/${action}`,
    actionOfRequest: (topic) => after(topic, 'request'),
    kindOfEvent: (topic) => after(topic, 'events'),
  };
}
