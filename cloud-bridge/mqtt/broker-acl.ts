/**
 * Mosquitto `acl_file` rules, read and applied the way mosquitto 2 applies them, so the embedded
 * broker enforces the very template shipped for external brokers (cloud-bridge/mqtt/city/acl.mosquitto)
 * and one test table checks both. Pure.
 *
 * Supported: `user NAME`, `topic [read|write|readwrite|deny] TOPIC` (for the last `user`, or for
 * anonymous clients before any `user` line), `pattern [access] TOPIC` (every user, with `%u` the
 * user name and `%c` the client id). Comments and blank lines are ignored; anything else is an
 * error naming the line.
 *
 * A publish needs a `write` rule matching the topic; a message is delivered to a subscriber only
 * if a `read` rule matches its topic (mosquitto 2.0 grants any subscription, `#` included, and
 * filters each message). A `deny` rule matching the topic refuses, whatever else allows it.
 */
type Access = 'read' | 'write' | 'readwrite' | 'deny';

interface Rule {
  access: Access;
  topic: string;
  pattern: boolean;
}

export interface AclRules {
  mayPublish(who: { username: string | undefined; clientId: string }, topic: string): boolean;
  mayRead(who: { username: string | undefined; clientId: string }, topic: string): boolean;
}

export function parseAcl(text: string, rewriteTopic: (topic: string) => string = (t) => t): AclRules {
  const anonymous: Rule[] = [];
  const byUser = new Map<string, Rule[]>();
  const patterns: Rule[] = [];
  let current: Rule[] = anonymous;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(user|topic|pattern)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`ACL line ${i + 1}: expected user, topic or pattern, got "${line}"`);
    const [, keyword, rest] = m as unknown as [string, string, string];
    if (keyword === 'user') {
      current = byUser.get(rest) ?? [];
      byUser.set(rest, current);
      return;
    }
    const parts = /^(?:(read|write|readwrite|deny)\s+)?(\S+)$/.exec(rest);
    if (!parts) throw new Error(`ACL line ${i + 1}: expected "${keyword} [read|write|readwrite|deny] TOPIC", got "${line}"`);
    const rule: Rule = {
      access: (parts[1] as Access | undefined) ?? 'readwrite',
      topic: rewriteTopic(parts[2] as string),
      pattern: keyword === 'pattern',
    };
    (keyword === 'pattern' ? patterns : current).push(rule);
  });

  const rulesFor = (username: string | undefined, clientId: string): { access: Access; topic: string }[] => {
    if (username === undefined) return anonymous;
    // mosquitto skips patterns whose substitution would put a wildcard or level into the topic.
    const safe = !/[+#/]/.test(username) && !/[+#/]/.test(clientId);
    const expanded = safe
      ? patterns.map((r) => ({ access: r.access, topic: r.topic.replaceAll('%u', username).replaceAll('%c', clientId) }))
      : [];
    return [...(byUser.get(username) ?? []), ...expanded];
  };

  const decide = (rules: { access: Access; topic: string }[], wants: 'read' | 'write', matches: (rule: string) => boolean): boolean => {
    let allowed = false;
    for (const r of rules) {
      if (!matches(r.topic)) continue;
      if (r.access === 'deny') return false;
      if (r.access === 'readwrite' || r.access === wants) allowed = true;
    }
    return allowed;
  };

  return {
    mayPublish: (who, topic) => decide(rulesFor(who.username, who.clientId), 'write', (rule) => topicMatches(rule, topic)),
    mayRead: (who, topic) => decide(rulesFor(who.username, who.clientId), 'read', (rule) => topicMatches(rule, topic)),
  };
}

/** Whether a topic (no wildcards) matches an MQTT topic filter. */
export function topicMatches(filter: string, topic: string): boolean {
  return filterCovers(filter, topic) && !/[+#]/.test(topic);
}

/**
 * Whether every topic `inner` can match is also matched by `outer` (both MQTT filters): `+` in
 * `inner` needs `+` or `#` in `outer`, `#` in `inner` needs `#` in `outer`.
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const n = inner.split('/');
  for (let i = 0; i < o.length; i++) {
    const level = o[i];
    if (level === '#') return !(i === 0 && (n[0] ?? '').startsWith('$'));
    if (i >= n.length) return false;
    const want = n[i] as string;
    if (level === '+') {
      if (want === '#') return false;
      if (i === 0 && want.startsWith('$')) return false;
      continue;
    }
    if (level !== want) return false;
  }
  return o.length === n.length;
}
