/** The wire format (kernel/protocol/wire.ts) and connection files (connection.ts), pure. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DELIMITER,
  createSigner,
  decode,
  encode,
  newMessage,
  replyType,
  type Message,
} from "../../kernel/protocol/wire.js";
import { endpoint, parseConnectionInfo } from "../../kernel/protocol/connection.js";

const key = "0123456789abcdef";
const signer = createSigner(key, "hmac-sha256");

function sample(): Message {
  return newMessage({
    msgType: "execute_request",
    session: "s1",
    content: { code: "1 + 1", silent: false },
    identities: [Buffer.from("id-a"), Buffer.from("id-b")],
    buffers: [Buffer.from([1, 2, 3])],
  }) as Message;
}

describe("signing", () => {
  it("signs the four JSON frames with HMAC-SHA256 of the key, as Jupyter does", () => {
    const parts = ['{"a":1}', "{}", "{}", '{"b":2}'];
    const expected = createHmac("sha256", key).update(parts.join("")).digest("hex");
    expect(signer.sign(parts)).toBe(expected);
    expect(signer.verify(parts, expected)).toBe(true);
  });

  it.each([
    ["another key", createSigner("other-key").sign(["{}", "{}", "{}", "{}"])],
    ["a truncated signature", createSigner(key).sign(["{}", "{}", "{}", "{}"]).slice(0, 10)],
    ["an empty signature", ""],
    ["uppercase hex", createSigner(key).sign(["{}", "{}", "{}", "{}"]).toUpperCase()],
  ])("rejects %s", (_name, signature) => {
    expect(signer.verify(["{}", "{}", "{}", "{}"], signature)).toBe(false);
  });

  it("with an empty key signs nothing and accepts anything", () => {
    const none = createSigner("");
    expect(none.signs).toBe(false);
    expect(none.sign(["x"])).toBe("");
    expect(none.verify(["x"], "whatever")).toBe(true);
  });

  it("fails at once on an unknown scheme", () => {
    expect(() => createSigner("k", "hmac-nosuchhash")).toThrow();
  });
});

describe("frames", () => {
  it("encode → decode round-trips identities, header, content and buffers", () => {
    const m = sample();
    const frames = encode(m, signer);
    expect(frames[2].toString()).toBe(DELIMITER);
    const d = decode(frames, signer);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.message.identities.map(String)).toEqual(["id-a", "id-b"]);
    expect(d.message.header).toEqual(m.header);
    expect(d.message.parent_header).toEqual({});
    expect(d.message.content).toEqual(m.content);
    expect(d.message.buffers).toEqual([Buffer.from([1, 2, 3])]);
  });

  const good = () => encode(sample(), signer);
  const cases: [string, () => Buffer[], string][] = [
    ["no delimiter", () => good().filter((f) => f.toString() !== DELIMITER), "delimiter"],
    ["truncated after the delimiter", () => good().slice(0, 5), "truncated"],
    [
      "a wrong signature",
      () => good().map((f, i) => (i === 3 ? Buffer.from("0".repeat(64)) : f)),
      "bad signature",
    ],
    [
      "a changed content frame",
      () => good().map((f, i) => (i === 7 ? Buffer.from('{"code":"evil"}') : f)),
      "bad signature",
    ],
    ["no signature (unsigned)", () => good().map((f, i) => (i === 3 ? Buffer.alloc(0) : f)), "bad signature"],
    ["an empty message", () => [], "delimiter"],
  ];
  it.each(cases)("drops a message with %s", (_name, frames, reason) => {
    const d = decode(frames(), signer);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toContain(reason);
  });

  it.each([
    ["bad JSON", ["{not json", "{}", "{}", "{}"], "bad JSON"],
    ["a header without msg_type", ['{"msg_id":"x"}', "{}", "{}", "{}"], "header"],
    ["content that is an array", ['{"msg_id":"x","msg_type":"y"}', "{}", "{}", "[]"], "JSON objects"],
  ])("drops a correctly signed message with %s", (_name, parts, reason) => {
    const frames = [
      Buffer.from(DELIMITER),
      Buffer.from(signer.sign(parts)),
      ...parts.map((p) => Buffer.from(p)),
    ];
    const d = decode(frames, signer);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toContain(reason);
  });

  it("drops oversized messages before parsing them", () => {
    const d = decode(encode(sample(), signer), signer, { maxBytes: 100 });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toContain("exceeds");
  });

  it("a reply answers its request: parent_header, identities, reply type", () => {
    const request = sample();
    const reply = newMessage({
      msgType: replyType("execute_request"),
      session: "k",
      content: {},
      parent: request,
    });
    expect(reply.header.msg_type).toBe("execute_reply");
    expect(reply.parent_header).toEqual(request.header);
    expect(reply.identities).toEqual(request.identities);
    expect(reply.header.version).toBe("5.3");
    expect(reply.header.msg_id).not.toBe(request.header.msg_id);
  });

  it.each([
    ["kernel_info_request", "kernel_info_reply"],
    ["comm_info_request", "comm_info_reply"],
    ["odd", "odd_reply"],
  ])("replyType(%s) = %s", (request, reply) => expect(replyType(request)).toBe(reply));
});

describe("connection files", () => {
  const base = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: 1,
    control_port: 2,
    stdin_port: 3,
    iopub_port: 4,
    hb_port: 5,
    key: "k",
    signature_scheme: "hmac-sha256",
  };

  it("gives endpoints for tcp and ipc", () => {
    expect(endpoint(parseConnectionInfo(base), "iopub")).toBe("tcp://127.0.0.1:4");
    expect(endpoint(parseConnectionInfo({ ...base, transport: "ipc", ip: "/tmp/k" }), "hb")).toBe(
      "ipc:///tmp/k-5",
    );
  });

  it.each([
    ["not an object", 3, "not a JSON object"],
    ["a missing port", { ...base, hb_port: undefined }, "hb_port"],
    ["a port out of range", { ...base, shell_port: 70000 }, "shell_port"],
    ["an unknown transport", { ...base, transport: "udp" }, "transport"],
    ["a non-HMAC scheme", { ...base, signature_scheme: "rsa" }, "signature_scheme"],
  ])("rejects %s with a message naming it", (_name, json, words) => {
    expect(() => parseConnectionInfo(json)).toThrow(words);
  });

  it("defaults a missing key to no signing", () => {
    expect(parseConnectionInfo({ ...base, key: undefined }).key).toBe("");
  });
});
