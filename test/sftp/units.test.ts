/**
 * The sftp backend's parts that need no server: known_hosts matching, shell quoting, hash output,
 * error mapping, and the connection pool over stand-in connections.
 */
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Connection } from "../../src/backends/sftp/connection.js";
import { fromConnect, fromSftp, isConnectionLost, STATUS } from "../../src/backends/sftp/errors.js";
import { hostKeyKnown } from "../../src/backends/sftp/known-hosts.js";
import { Pool } from "../../src/backends/sftp/pool.js";
import { parseDigest, shellQuote } from "../../src/backends/sftp/shell.js";

describe("known_hosts", () => {
  const key = randomBytes(51);
  const other = randomBytes(51);
  const b64 = key.toString("base64");
  const hashed = (name: string) => {
    const salt = randomBytes(20);
    return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
  };

  it("matches a plain entry by host, and [host]:port for ports other than 22", () => {
    expect(hostKeyKnown(`example.com ssh-ed25519 ${b64}\n`, "example.com", 22, key)).toBe(true);
    expect(hostKeyKnown(`example.com ssh-ed25519 ${b64}\n`, "example.com", 2222, key)).toBe(false);
    expect(hostKeyKnown(`[example.com]:2222 ssh-ed25519 ${b64}\n`, "example.com", 2222, key)).toBe(true);
    expect(hostKeyKnown(`example.com ssh-ed25519 ${b64}\n`, "example.com", 22, other)).toBe(false);
  });

  it("matches hashed entries, host lists, wildcards and negations", () => {
    expect(hostKeyKnown(`${hashed("[10.0.0.1]:2200")} ssh-ed25519 ${b64}`, "10.0.0.1", 2200, key)).toBe(true);
    expect(hostKeyKnown(`${hashed("10.0.0.2")} ssh-ed25519 ${b64}`, "10.0.0.1", 22, key)).toBe(false);
    expect(hostKeyKnown(`a.org,b.org ssh-ed25519 ${b64}`, "b.org", 22, key)).toBe(true);
    expect(hostKeyKnown(`*.example.com ssh-ed25519 ${b64}`, "x.example.com", 22, key)).toBe(true);
    expect(hostKeyKnown(`*.example.com,!bad.example.com ssh-ed25519 ${b64}`, "bad.example.com", 22, key)).toBe(false);
  });

  it("refuses a revoked key and skips comments and certificate authorities", () => {
    const text = `# comment\n@cert-authority * ssh-ed25519 ${b64}\n`;
    expect(hostKeyKnown(text, "h", 22, key)).toBe(false);
    expect(hostKeyKnown(`h ssh-ed25519 ${b64}\n@revoked * ssh-ed25519 ${b64}\n`, "h", 22, key)).toBe(false);
  });
});

describe("shell quoting", () => {
  it.each([
    "/plain/path.txt",
    "/a b'c\"d",
    "/nl\nx",
    "/ctl \x01\x7f $HOME `id` \\z *? ; & | < > ( ) { } [ ] ! # ~",
    "/日本語 é 🎉",
    "/-leading-dash",
  ])("a POSIX shell reads %j back unchanged", (path) => {
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(path)}`]).toString()).toBe(path);
  });
});

describe("hash command output", () => {
  it("takes the digest before the name, also from GNU's escaped form", () => {
    expect(parseDigest("d41d8cd98f00b204e9800998ecf8427e  -\n", "md5")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(parseDigest("\\D41D8CD98F00B204E9800998ECF8427E  /a\\nb\n", "md5")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(parseDigest("da39a3ee5e6b4b0d3255bfef95601890afd80709  x", "sha1")).toBe(
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    );
    expect(parseDigest("md5sum: x: No such file or directory", "md5")).toBeUndefined();
    expect(parseDigest("d41d8cd98f00b204e9800998ecf8427e  x", "sha1")).toBeUndefined();
  });
});

describe("error mapping", () => {
  const status = (code: number) => Object.assign(new Error(`status ${code}`), { code });

  it("maps SFTP status codes by what the path was meant to be", () => {
    expect(fromSftp(status(STATUS.NO_SUCH_FILE), "f", "file")).toMatchObject({ code: "ObjectNotFound" });
    expect(fromSftp(status(STATUS.NO_SUCH_FILE), "d", "dir")).toMatchObject({ code: "DirNotFound" });
    expect(fromSftp(status(STATUS.PERMISSION_DENIED), "f", "file")).toMatchObject({ code: "PermissionDenied" });
    expect(fromSftp(status(STATUS.OP_UNSUPPORTED), "f", "file")).toMatchObject({ code: "NotImplemented" });
    expect(fromSftp(status(STATUS.CONNECTION_LOST), "f", "file")).toMatchObject({
      code: "Transient",
      retry: "temporary",
    });
  });

  it("tells lost connections from failed requests", () => {
    expect(isConnectionLost(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true);
    expect(isConnectionLost(new Error("No response from server"))).toBe(true);
    expect(isConnectionLost(status(STATUS.FAILURE))).toBe(false);
  });

  it("makes refused logins and host keys fatal, unreachable servers temporary", () => {
    const auth = Object.assign(new Error("All configured authentication methods failed"), {
      level: "client-authentication",
    });
    expect(fromConnect(auth, "h")).toMatchObject({ code: "AuthFailed", retry: "fatal" });
    expect(fromConnect(new Error("Host denied (verification failed)"), "h")).toMatchObject({
      code: "AuthFailed",
      retry: "fatal",
    });
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(fromConnect(refused, "h")).toMatchObject({ code: "Transient", retry: "temporary" });
  });
});

describe("connection pool", () => {
  /** Stand-ins for connections: the pool only reads `dead` and calls acquire/release/close. */
  const fake = () => {
    const c = {
      dead: false,
      closed: false,
      acquire() {},
      release() {},
      close() {
        c.closed = true;
      },
    };
    return c as unknown as Connection;
  };
  const lost = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

  it("reuses an idle connection", async () => {
    const pool = new Pool(async () => fake(), { max: 0, idleMs: 0 });
    const a = await pool.use(async (c) => c, true);
    const b = await pool.use(async (c) => c, true);
    expect(b).toBe(a);
  });

  it("runs an idempotent call once more on a new connection when its connection died", async () => {
    const pool = new Pool(async () => fake(), { max: 0, idleMs: 0 });
    const seen: Connection[] = [];
    const value = await pool.use(async (c) => {
      seen.push(c);
      if (seen.length === 1) throw lost();
      return "ok";
    }, true);
    expect(value).toBe("ok");
    expect(seen[1]).not.toBe(seen[0]);
    expect((seen[0] as unknown as { closed: boolean }).closed).toBe(true);
  });

  it("fails a call that cannot be repeated with Transient", async () => {
    const pool = new Pool(async () => fake(), { max: 0, idleMs: 0 });
    await expect(
      pool.use(async () => {
        throw lost();
      }, false),
    ).rejects.toMatchObject({ code: "Transient", retry: "temporary" });
  });

  it("passes other errors through without retrying", async () => {
    const pool = new Pool(async () => fake(), { max: 0, idleMs: 0 });
    let calls = 0;
    const failure = Object.assign(new Error("no such file"), { code: STATUS.NO_SUCH_FILE });
    await expect(
      pool.use(async () => {
        calls++;
        throw failure;
      }, true),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it("holds callers beyond `max` connections until one is given back", async () => {
    let opened = 0;
    const pool = new Pool(
      async () => {
        opened++;
        return fake();
      },
      { max: 1, idleMs: 0 },
    );
    const first = await pool.take();
    let second: Connection | undefined;
    const waiting = pool.take().then((c) => {
      second = c;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBeUndefined();
    pool.release(first);
    await waiting;
    expect(second).toBe(first);
    expect(opened).toBe(1);
  });
});
