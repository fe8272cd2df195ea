/**
 * Comms: message channels between cell code and the frontend, opened from either side.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#custom-messages
 *
 * Cells see this as the global `comms` (registerTarget, unregisterTarget, open) and `Comm` objects.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "../protocol/wire.js";
import type { RequestContext } from "./context.js";
import type { Scope } from "./session.js";

type Handler = (data: unknown, msg: unknown) => unknown;
type TargetHandler = (comm: CellComm, data: unknown, msg: unknown) => unknown;

/** What a cell holds: the `Comm` of kernel/engine/ambient/cell-globals.d.ts. */
export interface CellComm {
  readonly commId: string;
  readonly targetName: string;
  send(data: unknown, metadata?: Record<string, unknown>): void;
  close(data?: unknown): void;
  onMsg(handler: Handler): void;
  onClose(handler: Handler): void;
}

/** What comms need from the session. */
export interface CommHost {
  origin(): RequestContext | undefined;
  publishNow(
    origin: RequestContext | undefined,
    msgType: string,
    content: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): void;
  runAs<T>(ctx: RequestContext, fn: () => Promise<T> | T): Promise<T>;
  reportError(kind: "uncaught exception", error: unknown): void;
}

class Comm implements CellComm {
  readonly msgHandlers: Handler[] = [];
  readonly closeHandlers: Handler[] = [];
  closed = false;
  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly comms: Comms,
  ) {}
  send(data: unknown, metadata?: Record<string, unknown>): void {
    if (this.closed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed`);
    this.comms.publish("comm_msg", { comm_id: this.commId, data: data ?? {} }, metadata);
  }
  close(data?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.comms.forget(this.commId);
    this.comms.publish("comm_close", { comm_id: this.commId, data: data ?? {} });
  }
  onMsg(handler: Handler): void {
    this.msgHandlers.push(handler);
  }
  onClose(handler: Handler): void {
    this.closeHandlers.push(handler);
  }
}

export class Comms {
  private readonly targets = new Map<string, TargetHandler>();
  private readonly open_ = new Map<string, Comm>();

  constructor(private readonly host: CommHost) {}

  // ---- the cell API ---------------------------------------------------------------------------------------

  registerTarget(targetName: string, handler: TargetHandler): void {
    if (typeof handler !== "function")
      throw new TypeError("comms.registerTarget: handler must be a function");
    this.targets.set(String(targetName), handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(String(targetName));
  }

  open(targetName: string, data?: unknown, metadata?: Record<string, unknown>): CellComm {
    const comm = new Comm(randomUUID(), String(targetName), this);
    this.open_.set(comm.commId, comm);
    this.publish(
      "comm_open",
      { comm_id: comm.commId, target_name: comm.targetName, data: data ?? {} },
      metadata,
    );
    return comm;
  }

  /** The object cells see as `comms` (methods bound, nothing else exposed). */
  api(): {
    registerTarget: Comms["registerTarget"];
    unregisterTarget: Comms["unregisterTarget"];
    open: Comms["open"];
  } {
    return {
      registerTarget: (t, h) => this.registerTarget(t, h),
      unregisterTarget: (t) => this.unregisterTarget(t),
      open: (t, d, m) => this.open(t, d, m),
    };
  }

  publish(msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>): void {
    this.host.publishNow(this.host.origin(), msgType, content, metadata);
  }

  forget(commId: string): void {
    this.open_.delete(commId);
  }

  // ---- frontend → kernel ----------------------------------------------------------------------------------

  info(targetName: unknown): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const c of this.open_.values())
      if (typeof targetName !== "string" || targetName === "" || c.targetName === targetName)
        comms[c.commId] = { target_name: c.targetName };
    return comms;
  }

  async handleOpen(scope: Scope): Promise<void> {
    const { comm_id, target_name, data } = scope.content;
    if (typeof comm_id !== "string" || typeof target_name !== "string") return;
    const target = this.targets.get(target_name);
    if (!target) {
      // Spec: an unknown target is answered with comm_close at once, so the frontend does not keep a dead comm.
      this.host.publishNow(scope.ctx, "comm_close", { comm_id, data: {} });
      return;
    }
    const comm = new Comm(comm_id, target_name, this);
    this.open_.set(comm_id, comm);
    await this.call(scope.ctx, () => target(comm, data, messageForCell(scope.ctx.request)));
  }

  async handleMsg(scope: Scope): Promise<void> {
    const comm = this.find(scope);
    if (!comm) return;
    for (const h of comm.msgHandlers)
      await this.call(scope.ctx, () => h(scope.content.data, messageForCell(scope.ctx.request)));
  }

  async handleClose(scope: Scope): Promise<void> {
    const comm = this.find(scope);
    if (!comm) return;
    comm.closed = true;
    this.forget(comm.commId);
    for (const h of comm.closeHandlers)
      await this.call(scope.ctx, () => h(scope.content.data, messageForCell(scope.ctx.request)));
  }

  private find(scope: Scope): Comm | undefined {
    const id = scope.content.comm_id;
    return typeof id === "string" ? this.open_.get(id) : undefined;
  }

  /** Runs a cell-provided handler as part of this request; what it throws is shown, never fatal. */
  private async call(ctx: RequestContext, fn: () => unknown): Promise<void> {
    try {
      await this.host.runAs(ctx, async () => await fn());
    } catch (e) {
      await this.host.runAs(ctx, () => this.host.reportError("uncaught exception", e));
    }
  }
}

/** Handlers get the message as the frontend sent it, without the routing identities. */
function messageForCell(m: Message): unknown {
  return {
    header: m.header,
    parent_header: m.parent_header,
    metadata: m.metadata,
    content: m.content,
    buffers: m.buffers,
  };
}
