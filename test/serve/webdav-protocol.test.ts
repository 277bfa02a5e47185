/**
 * `strata serve webdav` method by method over erasure(crypt(local)): auth, paths that try to
 * leave the root, PROPFIND, PROPPATCH of the modtime, MKCOL, COPY, MOVE, LOCK/UNLOCK, a PUT cut
 * off mid-body, --read-only and the Prometheus counters.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { freePort } from "../servers/process.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, rawRequest, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-dav-");
const AUTH = "carol:pa55";

describe("strata serve webdav over erasure(crypt(local))", () => {
  let server: StrataServer;
  let stack: string;
  let metricsPort: number;
  const dav = (method: string, path: string, options: Parameters<typeof rawRequest>[3] = {}) =>
    rawRequest(server.url, method, path, { auth: AUTH, ...options });
  const lsf = async (dir: string) =>
    (await strata(["lsf", "-R", `${stack}${dir}`])).stdout.split("\n").filter(Boolean).sort();

  beforeAll(async () => {
    stack = erasureCryptStack(temp());
    metricsPort = await freePort();
    server = await startStrataServe("webdav", stack, [
      "--user",
      "carol",
      "--pass",
      "pa55",
      "--metrics-addr",
      `127.0.0.1:${metricsPort}`,
      "-v",
    ]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers OPTIONS with DAV classes 1 and 2, and refuses wrong passwords with 401", async () => {
    const options = await dav("OPTIONS", "/");
    expect(options.headers.dav).toBe("1, 2");
    expect((await rawRequest(server.url, "PROPFIND", "/", { headers: { Depth: "0" } })).status).toBe(401);
    expect((await rawRequest(server.url, "PUT", "/x", { auth: "carol:nope", body: "x" })).status).toBe(401);
    expect(await lsf("")).toEqual([]);
  });

  it("PUT, PROPFIND depth 0 and 1, PROPPATCH lastmodified, GET with a range", async () => {
    expect((await dav("MKCOL", "/dir")).status).toBe(201);
    expect((await dav("MKCOL", "/dir")).status).toBe(405);
    expect((await dav("MKCOL", "/no/such/parent")).status).toBe(409);
    const put = await dav("PUT", "/dir/a%20b.txt", { body: "0123456789", headers: { "X-OC-Mtime": "1600000000" } });
    expect(put.status).toBe(201);
    expect((await dav("PUT", "/dir/a%20b.txt", { body: "abcdefghij" })).status).toBe(204);
    const one = await dav("PROPFIND", "/dir/", { headers: { Depth: "1" } });
    expect(one.status).toBe(207);
    const xml = one.body.toString();
    expect(xml).toContain("<D:href>/dir/</D:href>");
    expect(xml).toContain("<D:href>/dir/a%20b.txt</D:href>");
    expect(xml).toContain("<D:getcontentlength>10</D:getcontentlength>");
    expect(xml).toContain("<D:collection/>");
    const patch = await dav("PROPPATCH", "/dir/a%20b.txt", {
      body: '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:lastmodified>1500000000</d:lastmodified></d:prop></d:set></d:propertyupdate>',
    });
    expect(patch.body.toString()).toContain("HTTP/1.1 200 OK");
    const zero = await dav("PROPFIND", "/dir/a%20b.txt", {
      headers: { Depth: "0" },
      body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getlastmodified/><d:nosuch/></d:prop></d:propfind>',
    });
    expect(zero.body.toString()).toContain(new Date(1_500_000_000_000).toUTCString());
    expect(zero.body.toString()).toContain("404 Not Found");
    expect((await dav("PROPFIND", "/", { headers: { Depth: "infinity" } })).status).toBe(403);
    const range = await dav("GET", "/dir/a%20b.txt", { headers: { Range: "bytes=2-4" } });
    expect(range.status).toBe(206);
    expect(range.body.toString()).toBe("cde");
  });

  it("COPY and MOVE files and directories, honouring Overwrite: F", async () => {
    const dest = (p: string) => ({ headers: { Destination: `${server.url}${p}` } });
    expect((await dav("COPY", "/dir/a%20b.txt", dest("copy.txt"))).status).toBe(201);
    expect(
      (await dav("COPY", "/dir/a%20b.txt", { headers: { Destination: `${server.url}copy.txt`, Overwrite: "F" } }))
        .status,
    ).toBe(412);
    expect((await dav("COPY", "/dir/", dest("dir2/"))).status).toBe(201);
    expect((await dav("MOVE", "/dir2/", dest("moved/"))).status).toBe(201);
    expect((await dav("MOVE", "/copy.txt", dest("moved/renamed.txt"))).status).toBe(201);
    expect((await dav("MOVE", "/dir/", dest("dir/inside/"))).status).toBe(403);
    expect(await lsf("")).toEqual(["dir/", "dir/a b.txt", "moved/", "moved/a b.txt", "moved/renamed.txt"]);
    expect((await dav("DELETE", "/moved/")).status).toBe(204);
    expect(await lsf("")).toEqual(["dir/", "dir/a b.txt"]);
  });

  it("never leaves the root: .. and encoded forms in paths and Destination are refused", async () => {
    for (const path of [
      "/../escape.txt",
      "/dir/../../escape.txt",
      "/%2e%2e/escape.txt",
      "/dir%2f..%2f..%2fescape.txt",
    ]) {
      expect([400, 404], path).toContain((await dav("PUT", path, { body: "x" })).status);
      expect([400, 404], path).toContain((await dav("PROPFIND", path, { headers: { Depth: "0" } })).status);
    }
    const move = await dav("MOVE", "/dir/a%20b.txt", {
      headers: { Destination: `${server.url}%2e%2e/%2e%2e/stolen.txt` },
    });
    expect(move.status).toBe(400);
    expect(await lsf("")).toEqual(["dir/", "dir/a b.txt"]);
  });

  it("LOCK guards a file until UNLOCK: writes without the token get 423, with it they pass", async () => {
    const lock = await dav("LOCK", "/dir/a%20b.txt", {
      headers: { Timeout: "Second-60" },
      body: '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>carol</D:href></D:owner></D:lockinfo>',
    });
    expect(lock.status).toBe(200);
    const token = lock.headers["lock-token"] as string;
    expect(token).toMatch(/^<opaquelocktoken:/);
    expect((await dav("PUT", "/dir/a%20b.txt", { body: "x" })).status).toBe(423);
    expect((await dav("DELETE", "/dir/")).status).toBe(423);
    expect(
      (
        await dav("LOCK", "/dir/a%20b.txt", {
          body:
            lock.body.length > 0
              ? '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>'
              : "",
        })
      ).status,
    ).toBe(423);
    expect((await dav("PUT", "/dir/a%20b.txt", { body: "locked write", headers: { If: `(${token})` } })).status).toBe(
      204,
    );
    expect((await dav("UNLOCK", "/dir/a%20b.txt", { headers: { "Lock-Token": token } })).status).toBe(204);
    expect((await dav("PUT", "/dir/a%20b.txt", { body: "after" })).status).toBe(204);
    const created = await dav("LOCK", "/dir/new.txt", {
      body: '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>',
    });
    expect(created.status).toBe(201);
    await dav("UNLOCK", "/dir/new.txt", { headers: { "Lock-Token": created.headers["lock-token"] as string } });
  });

  it("a PUT cut off mid-body leaves no file, and keeps the previous version of one it was replacing", async () => {
    const cut = (path: string) =>
      new Promise<void>((resolve) => {
        const { hostname, port } = new URL(server.url);
        const req = request({
          host: hostname,
          port,
          method: "PUT",
          path,
          auth: AUTH,
          headers: { "Content-Length": 1_000_000 },
        });
        req.on("error", () => resolve());
        req.write(Buffer.alloc(200_000, 7), () => setTimeout(() => req.destroy(), 300));
        req.on("close", () => resolve());
      });
    await cut("/dir/partial.bin");
    await cut("/dir/a%20b.txt");
    // The server fails each upload once it sees its client gone (logged at -v); wait for both.
    const gone = () => server.output().match(/PUT \/dir\/\S+: client went away/g)?.length ?? 0;
    for (let i = 0; i < 100 && gone() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone()).toBe(2);
    expect((await dav("GET", "/dir/partial.bin")).status).toBe(404);
    expect((await dav("GET", "/dir/a%20b.txt")).body.toString()).toBe("after");
    expect(await lsf("dir")).toEqual(["a b.txt", "new.txt"]);
  });

  it("counts requests and bytes in Prometheus metrics", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/strata_serve_requests_total\{protocol="webdav",method="PUT",status="201"\} \d+/);
    expect(text).toMatch(/strata_serve_auth_failures_total\{protocol="webdav"\} [1-9]/);
    expect(text).toMatch(/strata_serve_bytes_total\{protocol="webdav",direction="written"\} [1-9]/);
  });
});

describe("strata serve webdav --read-only", () => {
  it("serves reads and refuses every write with 403", async () => {
    const stack = erasureCryptStack(temp());
    await strata(["mkdir", `${stack}d`]);
    const server = await startStrataServe("webdav", stack, ["--read-only"]);
    try {
      expect((await rawRequest(server.url, "PROPFIND", "/", { headers: { Depth: "1" } })).status).toBe(207);
      for (const method of ["PUT", "DELETE", "MKCOL", "MOVE", "LOCK", "PROPPATCH"]) {
        expect((await rawRequest(server.url, method, "/d/x", { body: "" })).status, method).toBe(403);
      }
    } finally {
      await server.stop();
    }
  });
});
