// Who is logged in, and which actions their role allows (the gateway checks again on every request).
import { getJson } from './api.js';

const RANK = { viewer: 0, operator: 1, admin: 2 };
let user = null;
let actions = new Map();

export function currentUser() {
  return user;
}

export async function loadSession(u) {
  user = u;
  const list = (await getJson('/api/actions')).actions;
  actions = new Map(list.map((a) => [a.name, a]));
}

export function hasAction(name) {
  return actions.has(name);
}

/** Whether the action exists and the user's role may run it. */
export function can(name) {
  const a = actions.get(name);
  return Boolean(a && user && RANK[user.role] >= RANK[a.role]);
}

/** Whether an action's input takes a field (features another gateway version may not have yet). */
export function accepts(name, field) {
  return Boolean(actions.get(name)?.accepts?.includes(field));
}
