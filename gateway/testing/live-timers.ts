/**
 * Counts the timers created while it tracks and not yet fired or cleared, with where each was
 * created: `process.getActiveResourcesInfo()` does not list unref'd timers, and most of the
 * gateway's are unref'd. Patches the global timer functions until `restore()`.
 */
export interface TimerTracker {
  /** Timers (timeouts not yet fired, intervals, immediates) still pending, by the stack that created them. */
  live(): string[];
  restore(): void;
}

type Handle = object | number;

export function trackTimers(): TimerTracker {
  const g = globalThis;
  const saved = {
    setTimeout: g.setTimeout,
    setInterval: g.setInterval,
    setImmediate: g.setImmediate,
    clearTimeout: g.clearTimeout,
    clearInterval: g.clearInterval,
    clearImmediate: g.clearImmediate,
  };
  const pending = new Map<Handle, string>();
  const where = () =>
    (new Error().stack ?? '')
      .split('\n')
      .slice(3)
      .filter((l) => !l.includes('node:internal') && !l.includes('node_modules'))
      .slice(0, 4)
      .join(' <- ');
  const once = <A extends unknown[]>(make: (fn: (...a: A) => void, ...rest: unknown[]) => Handle) =>
    function (this: unknown, fn: (...a: A) => void, ...rest: unknown[]): Handle {
      const stack = where();
      const handle: Handle = make(
        (...a: A) => {
          pending.delete(handle);
          fn(...a);
        },
        ...rest,
      );
      pending.set(handle, stack);
      return handle;
    };
  const patched = g as unknown as Record<string, unknown>;
  patched.setTimeout = Object.assign(
    once((fn, ...rest) => (saved.setTimeout as (...a: unknown[]) => Handle)(fn, ...rest)),
    saved.setTimeout,
  );
  patched.setImmediate = Object.assign(
    once((fn, ...rest) => (saved.setImmediate as (...a: unknown[]) => Handle)(fn, ...rest)),
    saved.setImmediate,
  );
  patched.setInterval = Object.assign(function (fn: () => void, ...rest: unknown[]): Handle {
    const handle = (saved.setInterval as (...a: unknown[]) => Handle)(fn, ...rest);
    pending.set(handle, where());
    return handle;
  }, saved.setInterval);
  for (const name of ['clearTimeout', 'clearInterval', 'clearImmediate'] as const) {
    const original = saved[name] as (h: unknown) => void;
    patched[name] = (h: unknown) => {
      if (h !== undefined && h !== null) pending.delete(h as Handle);
      original(h);
    };
  }
  return {
    live: () => [...pending.values()],
    restore: () => Object.assign(g, saved),
  };
}
