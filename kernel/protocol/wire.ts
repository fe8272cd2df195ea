/**
 * The Jupyter wire format, pure: no sockets, no threads, no state. Used by the kernel (kernel/protocol/worker.ts)
 * and by clients (kernel/protocol/client.ts, the notebook runner, tests).
 *
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol
 *
 * A message on a ROUTER/DEALER socket is these zeromq frames:
 *
 *     [identity, ...]  b"<IDS|MSG>"  signature  header  parent_header  metadata  content  [buffer, ...]
 *
 * The signature is the hex HMAC (sha256 here) of the four JSON frames, keyed by the connection file's `key`;
 * an empty key means "no signing" (signature is the empty string and is not checked). IOPub messages carry a
 * topic as their single identity.
 *
 * API
 * - `createSigner(key, scheme?)` → `Signer` { sign(parts): hex; verify(parts, signature): boolean }.
 *   `verify` uses crypto.timingSafeEqual; with an empty key every signature is accepted.
 * - `encode(message, signer)` → `Buffer[]`: frames ready for `socket.send`, identities first.
 * - `encodeParts(identities, parts, signer, buffers)` → frames from already-serialised JSON strings
 *   (the kernel serialises on its main thread and signs on the socket thread).
 * - `decode(frames, signer, limits?)` → `{ ok: true, message }` or `{ ok: false, reason }`. Never throws:
 *   missing delimiter, too few frames, bad signature (checked BEFORE any JSON is parsed), bad JSON,
 *   a header without msg_id/msg_type, or a message over `limits.maxBytes` all give a reason.
 * - `newHeader(msgType, session, username?)` → a fresh `Header` (uuid msg_id, ISO date, version 5.3).
 * - `newMessage({ msgType, session, content, parent?, metadata?, identities?, buffers?, username? })`
 *   → a `Message` answering `parent` (whose header becomes `parent_header`; identities default to the
 *   parent's so a reply is routed back to its sender).
 * - `replyType("execute_request")` → "execute_reply".
 * - `PROTOCOL_VERSION`, `DELIMITER`.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
export const DELIMITER = "<IDS|MSG>";
const DELIMITER_BYTES = Buffer.from(DELIMITER);

export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
  [extra: string]: unknown;
}

export interface Message<C = Record<string, unknown>> {
  /** zeromq routing identities (ROUTER) or the topic (IOPub). */
  identities: Buffer[];
  header: Header;
  /** `{}` when the message answers nothing. */
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** The four JSON frames in wire order, already serialised. */
export type JsonParts = [header: string, parent: string, metadata: string, content: string];

export interface Signer {
  readonly signs: boolean;
  sign(parts: readonly (string | Buffer)[]): string;
  verify(parts: readonly (string | Buffer)[], signature: string | Buffer): boolean;
}

/** Connection files name the scheme as "hmac-sha256"; node's createHmac wants "sha256". */
export function createSigner(key: string, scheme = "hmac-sha256"): Signer {
  const algorithm = scheme.replace(/^hmac-/, "");
  if (!key) return { signs: false, sign: () => "", verify: () => true };
  // Fail now (at start-up) rather than on the first message if the scheme is unknown.
  createHmac(algorithm, key);
  const sign = (parts: readonly (string | Buffer)[]): string => {
    const hmac = createHmac(algorithm, key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  };
  return {
    signs: true,
    sign,
    verify(parts, signature) {
      const expected = Buffer.from(sign(parts), "latin1");
      const given = typeof signature === "string" ? Buffer.from(signature, "latin1") : signature;
      // timingSafeEqual throws on different lengths; the length of a hex digest is public anyway.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export function encodeParts(
  identities: readonly Uint8Array[],
  parts: JsonParts,
  signer: Signer,
  buffers: readonly Uint8Array[] = [],
): Buffer[] {
  return [
    ...identities.map((id) => Buffer.from(id.buffer, id.byteOffset, id.byteLength)),
    DELIMITER_BYTES,
    Buffer.from(signer.sign(parts)),
    ...parts.map((p) => Buffer.from(p)),
    ...buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  ];
}

export function serialize(message: Omit<Message<unknown>, "identities" | "buffers">): JsonParts {
  return [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
}

export function encode(message: Message<unknown>, signer: Signer): Buffer[] {
  return encodeParts(message.identities, serialize(message), signer, message.buffers);
}

export type Decoded = { ok: true; message: Message } | { ok: false; reason: string };

export interface DecodeLimits {
  /** Total bytes of all frames; larger messages are dropped before parsing. Default 256 MiB. */
  maxBytes?: number;
}

export function decode(frames: readonly Buffer[], signer: Signer, limits: DecodeLimits = {}): Decoded {
  const maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
  let total = 0;
  for (const f of frames) total += f.length;
  if (total > maxBytes) return { ok: false, reason: `message of ${total} bytes exceeds ${maxBytes}` };
  const at = frames.findIndex((f) => f.equals(DELIMITER_BYTES));
  if (at < 0) return { ok: false, reason: "no <IDS|MSG> delimiter" };
  if (frames.length < at + 6)
    return { ok: false, reason: `truncated: ${frames.length - at - 1} frames after delimiter` };
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  if (signer.signs && !signer.verify(parts, signature)) return { ok: false, reason: "bad signature" };
  let header: unknown, parent: unknown, metadata: unknown, content: unknown;
  try {
    [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")) as unknown);
  } catch (e) {
    return { ok: false, reason: `bad JSON: ${(e as Error).message}` };
  }
  if (!isHeader(header)) return { ok: false, reason: "header without msg_id/msg_type" };
  if (!isObject(parent) || !isObject(metadata) || !isObject(content))
    return { ok: false, reason: "parent_header, metadata and content must be JSON objects" };
  return {
    ok: true,
    message: {
      identities: frames.slice(0, at),
      header,
      parent_header: parent as Message["parent_header"],
      metadata,
      content,
      buffers: frames.slice(at + 6),
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isHeader(v: unknown): v is Header {
  return isObject(v) && typeof v.msg_id === "string" && typeof v.msg_type === "string";
}

export function newHeader(msgType: string, session: string, username = "gradlab"): Header {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username,
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

export interface NewMessage<C> {
  msgType: string;
  session: string;
  content: C;
  parent?: Pick<Message<unknown>, "header" | "identities">;
  metadata?: Record<string, unknown>;
  identities?: Buffer[];
  buffers?: Buffer[];
  username?: string;
}

export function newMessage<C>(m: NewMessage<C>): Message<C> {
  return {
    identities: m.identities ?? m.parent?.identities ?? [],
    header: newHeader(m.msgType, m.session, m.username),
    parent_header: m.parent?.header ?? {},
    metadata: m.metadata ?? {},
    content: m.content,
    buffers: m.buffers ?? [],
  };
}

/** `execute_request` → `execute_reply`; other names pass through with `_reply` appended. */
export function replyType(requestType: string): string {
  return requestType.endsWith("_request")
    ? `${requestType.slice(0, -"_request".length)}_reply`
    : `${requestType}_reply`;
}
