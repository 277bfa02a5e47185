/**
 * `strata serve http` over erasure(crypt(local)) against curl: ranged GETs return the bytes asked,
 * auth refuses wrong passwords, and no spelling of `..` leaves the served root.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, rawRequest, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-http-");
const run = promisify(execFile);

/** curl's body of `url` (with `args` before it), as bytes. */
async function curl(args: string[], url: string): Promise<Buffer> {
  const { stdout } = await run("curl", ["-sS", "--fail", ...args, url], { encoding: "buffer", maxBuffer: 64 << 20 });
  return stdout;
}

/** curl's status code for `url`. */
async function curlStatus(args: string[], url: string): Promise<number> {
  const { stdout } = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", ...args, url]);
  return Number(stdout);
}

const DATA = Buffer.from(Array.from({ length: 300_001 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff));

describe("strata serve http over erasure(crypt(local))", () => {
  let server: StrataServer;
  let base: string;

  beforeAll(async () => {
    const stack = erasureCryptStack(temp());
    const source = temp();
    writeFileSync(join(source, "data.bin"), DATA);
    writeFileSync(join(source, "note.txt"), "note\n");
    const up = await strata(["copy", source, `${stack}files`]);
    expect(up.code, up.stderr).toBe(0);
    server = await startStrataServe("http", stack, ["--user", "bob", "--pass", "pw", "--read-only"]);
    base = server.url.replace("http://", "http://bob:pw@");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("sends whole files and byte ranges (start-end, open-ended, suffix) exactly", async () => {
    expect((await curl([], `${base}files/data.bin`)).equals(DATA)).toBe(true);
    expect((await curl(["-r", "1000-66535"], `${base}files/data.bin`)).equals(DATA.subarray(1000, 66536))).toBe(true);
    expect((await curl(["-r", "299990-"], `${base}files/data.bin`)).equals(DATA.subarray(299990))).toBe(true);
    expect((await curl(["-r", "-5"], `${base}files/data.bin`)).equals(DATA.subarray(DATA.length - 5))).toBe(true);
    expect(await curlStatus(["-r", "400000-"], `${base}files/data.bin`)).toBe(416);
  });

  it("answers HEAD and the validators: 206 headers, Content-Type, 304 for a current copy", async () => {
    const head = await rawRequest(server.url, "HEAD", "/files/note.txt", { auth: "bob:pw" });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("5");
    expect(head.headers["content-type"]).toMatch(/^text\/plain/);
    const again = await rawRequest(server.url, "GET", "/files/note.txt", {
      auth: "bob:pw",
      headers: { "If-None-Match": head.headers.etag as string },
    });
    expect(again.status).toBe(304);
    const ranged = await rawRequest(server.url, "GET", "/files/data.bin", {
      auth: "bob:pw",
      headers: { Range: "bytes=10-19" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers["content-range"]).toBe(`bytes 10-19/${DATA.length}`);
  });

  it("refuses a missing or wrong password with 401 and a Basic challenge", async () => {
    const none = await rawRequest(server.url, "GET", "/files/note.txt");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic realm=/);
    expect((await rawRequest(server.url, "GET", "/files/note.txt", { auth: "bob:wrong" })).status).toBe(401);
    expect((await rawRequest(server.url, "GET", "/files/note.txt", { auth: "eve:pw" })).status).toBe(401);
  });

  it("never leaves the served root: .., %2e%2e, %2f and absolute paths are refused", async () => {
    for (const path of [
      "/../../../../etc/passwd",
      "/files/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/files/%2E%2E/%2e%2e/etc/passwd",
      "/%2fetc%2fpasswd",
      "/files%2f..%2f..%2fetc/passwd",
      "/..%5c..%5cetc/passwd",
      "http://127.0.0.1/../etc/passwd",
    ]) {
      const res = await rawRequest(server.url, "GET", path, { auth: "bob:pw" });
      expect([400, 404], path).toContain(res.status);
      expect(res.body.toString()).not.toMatch(/root:/);
    }
    // `..` that stays inside the root resolves inside it.
    const inside = await rawRequest(server.url, "GET", "/files/../files/note.txt", { auth: "bob:pw" });
    expect(inside.body.toString()).toBe("note\n");
  });

  it("lists directories as HTML with links, and refuses methods other than GET and HEAD", async () => {
    const page = (await curl([], `${base}files/`)).toString();
    expect(page).toContain('<a href="/files/data.bin">data.bin</a>');
    expect(page).toContain('<a href="/files/note.txt">note.txt</a>');
    expect(page.indexOf("data.bin")).toBeLessThan(page.indexOf("note.txt"));
    expect((await rawRequest(server.url, "PUT", "/files/x", { auth: "bob:pw", body: "x" })).status).toBe(405);
  });
});
