import type { z } from 'zod';

/**
 * Commands the platform (or the local CLI) can ask of this box, by name: `ping`, `config/get`,
 * `gate/open`, `residents/add`... Each room registers its own; the cloud bridge dispatches
 * `request/<action>` through this table (a lookup, not a switch) after validating the input.
 */
export interface ActionContext {
  /** Who asked: 'platform' (MQTT request) or 'cli'. */
  origin: string;
  transaction: string;
}

export interface Action<I = unknown> {
  description: string;
  input: z.ZodType<I>;
  handle(input: I, ctx: ActionContext): unknown | Promise<unknown>;
}

/** An error whose message is safe and useful to return to the requester. */
export class ActionError extends Error {
  constructor(message: string, readonly code = 'failed') {
    super(message);
    this.name = 'ActionError';
  }
}

export class ActionTable {
  private readonly actions = new Map<string, Action<never>>();

  register<I>(name: string, action: Action<I>): void {
    if (!/^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/.test(name)) throw new Error(`invalid action name ${name}`);
    if (this.actions.has(name)) throw new Error(`action ${name} registered twice`);
    this.actions.set(name, action as unknown as Action<never>);
  }

  get(name: string): Action<unknown> | undefined {
    return this.actions.get(name) as Action<unknown> | undefined;
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }
}
