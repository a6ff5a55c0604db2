/**
 * The topic map of one node, under `<prefix>/<nodeId>/`. Pure functions; the only place that
 * knows how topics are spelled.
 *
 *   status               retained `online` / `offline` (the last will)
 *   devices/<id>/availability  retained `online` / `offline` of each device
 *   events/<kind>        QoS 1 event envelopes from the outbox
 *   request/<action>     platform → node commands (action names may contain `/`); they count as from the `platform` account
 *   response/<action>    node → platform answers, echoing the request's transaction
 *   from/<user>/request/<action>   commands of MQTT account <user> (the broker ACL lets each account write only under its own name)
 *   from/<user>/response/<action>  their answers (only <user> and the platform may read them)
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
  /** Requests of one account, and their responses. */
  requestFrom(account: string, action: string): string;
  responseTo(account: string, action: string): string;
  readonly accountRequestWildcard: string;
  /** A request topic of either shape: its action and, for from/<user>/, the account (undefined: the legacy shape). */
  parseRequest(topic: string): { action: string; account: string | undefined } | undefined;
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
    requestFrom: (account, action) => `${base}/from/${account}/request/${action}`,
    responseTo: (account, action) => `${base}/from/${account}/response/${action}`,
    accountRequestWildcard: `${base}/from/+/request/#`,
    parseRequest: (topic) => {
      const legacy = after(topic, 'request');
      if (legacy !== undefined) return { action: legacy, account: undefined };
      const rest = after(topic, 'from');
      const m = rest === undefined ? null : /^([^/]+)\/request\/(.+)$/.exec(rest);
      return m ? { action: m[2] as string, account: m[1] as string } : undefined;
    },
    kindOfEvent: (topic) => after(topic, 'events'),
  };
}
