/**
 * Client ids bound to broker accounts, the embedded broker's rule (pure). MQTT lets a client
 * that connects with a connected client's id take its place (the old one is disconnected) and
 * inherit its kept session: without a binding, node A could keep kicking node B off the broker.
 * External brokers bind by making the id the user name (cloud-bridge/mqtt/city/listener.conf:
 * use_username_as_clientid); the embedded broker, whose CLI clients share the platform identity
 * and need ids of their own, binds this way instead:
 *
 *   - an id reserved for an account (the gateway's own client id) is only ever that account's;
 *   - an id held by another account (connected now, or with a session the broker keeps for it)
 *     is refused.
 */
export interface ClientIdClaim {
  clientId: string;
  username: string;
  /** The account this id is reserved for, if any. */
  reservedFor: string | undefined;
  /** The account connected with this id now, or whose kept session has it. */
  holder: string | undefined;
}

/** Why the claim is refused, or undefined when the account may use the id. */
export function clientIdRefusal(c: ClientIdClaim): string | undefined {
  if (c.reservedFor !== undefined && c.reservedFor !== c.username)
    return `client id ${JSON.stringify(c.clientId)} belongs to account ${JSON.stringify(c.reservedFor)}`;
  if (c.holder !== undefined && c.holder !== c.username) return `client id ${JSON.stringify(c.clientId)} is in use by another account`;
  return undefined;
}
