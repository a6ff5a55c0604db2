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
  constructor(
    message: string,
    readonly code = 'failed',
  ) {
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

  /**
   * Runs an action from inside the gateway (one room using another's service), with the same
   * input validation as a platform request. Throws ActionError when it is absent or refuses.
   */
  async call(name: string, input: unknown, ctx: ActionContext): Promise<unknown> {
    const action = this.get(name);
    if (!action) throw new ActionError(`action ${name} is not available on this box`, 'unknown_action');
    const parsed = action.input.safeParse(input);
    if (!parsed.success)
      throw new ActionError(
        `invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        'invalid_input',
      );
    return action.handle(parsed.data, ctx);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }
}
