/**
 * A request being handled, and the AsyncLocalStorage that lets output find the request whose code produced
 * it, even from timers and promise callbacks that run long after the code that scheduled them.
 */
import type { Message } from "../protocol/wire.js";
import type { Destination } from "./outbox.js";

export type RequestChannel = "shell" | "control";

export interface RequestContext extends Destination {
  readonly request: Message;
  readonly channel: RequestChannel;
  readonly msgType: string;
  /** Epoch ms when handling began: an interrupt sent before this moment is not meant for it. */
  readonly startedAt: number;
  /** Set for execute_request: the cell's `In [n]`. */
  executionCount?: number;
  allowStdin: boolean;
  /** True once `idle` is queued: anything its code prints now is late output. */
  done: boolean;
  interrupted: boolean;
  readonly abort: AbortController;
  /** The label of the finished request whose late output was last written here (to mark it once). */
  lastLateLabel?: string;
}

export function newContext(
  channel: RequestChannel,
  request: Message,
  startedAt: number,
  options: { silent?: boolean; allowStdin?: boolean } = {},
): RequestContext {
  return {
    request,
    channel,
    msgType: request.header.msg_type,
    startedAt,
    silent: options.silent ?? false,
    allowStdin: options.allowStdin ?? false,
    done: false,
    interrupted: false,
    abort: new AbortController(),
  };
}

/** How late output names its source: `In [3]`, or the request type for comm handlers. */
export function describeContext(ctx: RequestContext | undefined): string {
  if (!ctx) return "background code";
  if (ctx.msgType === "execute_request")
    return ctx.executionCount !== undefined ? `In [${ctx.executionCount}]` : "a cell";
  return `the ${ctx.msgType.replace(/_request$/, "")} handler`;
}
