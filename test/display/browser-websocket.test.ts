/**
 * test/support/browser.ts and WebSockets: by default every WebSocket is closed before it reaches a server
 * (tests stay offline); `allowWebSocket` lets chosen ones through with messages forwarded both ways, which a
 * live Jupyter frontend (kernel channels over a WebSocket) needs. The server here is a minimal RFC 6455 echo
 * written for the test, so the check does not depend on any WebSocket package.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { requireTool } from "../support/e2e.js";

const run = requireTool("chromium (/usr/bin/chromium)", hasChromium());

/** An unmasked text frame (server to client), payload under 126 bytes. */
const textFrame = (s: string) => {
  const payload = Buffer.from(s);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
};

/** The text of a small masked client frame. */
function readClientText(frame: Buffer): string {
  const length = frame[1]! & 0x7f;
  const mask = frame.subarray(2, 6);
  return Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]!)).toString();
}

/** Greets each connection, then echoes text frames back with "echo: ". Counts handshakes. */
function echoServer(): { server: Server; handshakes: () => number; sockets: Set<Socket> } {
  let handshakes = 0;
  const sockets = new Set<Socket>();
  const server = createServer((_, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket: Socket) => {
    handshakes++;
    sockets.add(socket);
    const accept = createHash("sha1")
      .update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(textFrame("hello"));
    socket.on("data", (frame) => {
      if ((frame[0]! & 0x0f) === 0x1) socket.write(textFrame(`echo: ${readClientText(frame)}`));
      else socket.destroy(); // close or anything else: done
    });
  });
  return { server, handshakes: () => handshakes, sockets };
}

/** Opens a WebSocket from the page, sends "ping", and reports what came back within a short time. */
const talk = (b: BrowserSession, url: string) =>
  b.page.evaluate(
    (u) =>
      new Promise<{ messages: string[]; closed: boolean }>((resolve) => {
        const messages: string[] = [];
        const ws = new WebSocket(u);
        ws.onopen = () => ws.send("ping");
        ws.onmessage = (e) => {
          messages.push(String(e.data));
          if (messages.length === 2) {
            ws.close();
            resolve({ messages, closed: false });
          }
        };
        ws.onclose = () => resolve({ messages, closed: true });
        setTimeout(() => resolve({ messages, closed: false }), 3000);
      }),
    url,
  );

describe.runIf(run)("openBrowser and WebSockets", () => {
  const echo = echoServer();
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((r) => echo.server.listen(0, "127.0.0.1", r));
    url = `ws://127.0.0.1:${(echo.server.address() as AddressInfo).port}/api/kernels/k/channels`;
  });
  afterAll(async () => {
    for (const s of echo.sockets) s.destroy();
    await new Promise((r) => echo.server.close(r));
  });

  it("by default closes every WebSocket before it reaches the server, and records it as blocked", async () => {
    const b = await openBrowser({ outputDir: "display" });
    try {
      await b.show("<p>offline</p>");
      const seen = await talk(b, url);
      expect(seen).toEqual({ messages: [], closed: true });
      expect(echo.handshakes()).toBe(0);
      expect(b.requests.filter((r) => r.resourceType === "websocket")).toEqual([
        { url, method: "GET", resourceType: "websocket", blocked: true },
      ]);
    } finally {
      await b.close();
    }
  });

  it("allowWebSocket connects the chosen ones and forwards messages both ways; others stay closed", async () => {
    const b = await openBrowser({ outputDir: "display", allowWebSocket: (u) => u.includes("/channels") });
    try {
      await b.show("<p>live</p>");
      expect(await talk(b, url)).toEqual({ messages: ["hello", "echo: ping"], closed: false });
      expect(echo.handshakes()).toBe(1);
      const other = url.replace("/channels", "/other");
      expect((await talk(b, other)).messages).toEqual([]);
      expect(echo.handshakes()).toBe(1);
      expect(b.requests.filter((r) => r.resourceType === "websocket").map((r) => r.blocked)).toEqual([
        false,
        true,
      ]);
    } finally {
      await b.close();
    }
  });
});
