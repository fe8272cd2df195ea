/**
 * Which timers each request's code started, so an interrupt can cancel them ("stop the cell" includes its
 * setInterval and the sleep its pending await waits on). An async_hooks `init` hook sees every Timeout and
 * Immediate, including ones created by libraries and by node:timers/promises, and files it under the
 * request whose AsyncLocalStorage context created it.
 */
import { createHook } from "node:async_hooks";

interface Timer {
  _destroyed?: boolean;
}

export class TimerRegistry<Owner extends object> {
  private readonly byOwner = new Map<Owner, { timeouts: Set<Timer>; immediates: Set<Timer> }>();
  private readonly hook;

  /** `owner()` names the request running now (or undefined for the kernel's own code). */
  constructor(owner: () => Owner | undefined) {
    this.hook = createHook({
      init: (_id, type, _trigger, resource) => {
        if (type !== "Timeout" && type !== "Immediate") return;
        const o = owner();
        if (o) this.add(o, type === "Timeout" ? "timeouts" : "immediates", resource as Timer);
      },
    });
  }

  enable(): this {
    this.hook.enable();
    return this;
  }

  disable(): void {
    this.hook.disable();
  }

  /** Number of not-yet-fired timers of `owner` (for tests and diagnostics). */
  pending(owner: Owner): number {
    const sets = this.byOwner.get(owner);
    if (!sets) return 0;
    let n = 0;
    for (const t of [...sets.timeouts, ...sets.immediates]) if (!t._destroyed) n++;
    return n;
  }

  cancel(owner: Owner): void {
    const sets = this.byOwner.get(owner);
    if (!sets) return;
    this.byOwner.delete(owner);
    for (const t of sets.timeouts) clearTimeout(t as NodeJS.Timeout);
    for (const t of sets.immediates) clearImmediate(t as NodeJS.Immediate);
  }

  /** Forgets `owner` once its timers have all fired or been cleared (called when its request ends). */
  release(owner: Owner): void {
    const sets = this.byOwner.get(owner);
    if (!sets) return;
    for (const set of [sets.timeouts, sets.immediates]) for (const t of set) if (t._destroyed) set.delete(t);
    if (sets.timeouts.size === 0 && sets.immediates.size === 0) this.byOwner.delete(owner);
  }

  cancelAll(): void {
    for (const owner of [...this.byOwner.keys()]) this.cancel(owner);
  }

  private add(owner: Owner, kind: "timeouts" | "immediates", timer: Timer): void {
    let sets = this.byOwner.get(owner);
    if (!sets) this.byOwner.set(owner, (sets = { timeouts: new Set(), immediates: new Set() }));
    const set = sets[kind];
    set.add(timer);
    // Fired and cleared timers are dropped now and then, so a cell that sleeps a million times stays small.
    if (set.size > 256 && (set.size & 255) === 0) for (const t of set) if (t._destroyed) set.delete(t);
  }
}
