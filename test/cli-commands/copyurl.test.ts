/** copyurl against a small HTTP server on 127.0.0.1, side by side with rclone 1.60. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispositionFilename } from "../../src/fs/operations/copyurl.js";
import { hasRclone, makeTree, rclone, removeTree, strata } from "../commands/run-cli.js";

const BODY = "hello from the url\n";
const MODIFIED = new Date("2022-05-06T07:08:09Z");

let server: Server;
let base: string;
let root: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const headers = { "Last-Modified": MODIFIED.toUTCString() };
    switch (req.url) {
      case "/":
      case "/file.txt":
        res.writeHead(200, { ...headers, "Content-Length": Buffer.byteLength(BODY) }).end(BODY);
        return;
      case "/chunked":
        // No Content-Length: the size is unknown until the end.
        res.writeHead(200, headers);
        res.write(BODY.slice(0, 5));
        res.end(BODY.slice(5));
        return;
      case "/moved":
        res.writeHead(302, { Location: "/dir/target%20name.txt" }).end();
        return;
      case "/dir/target%20name.txt":
      case "/download?id=7":
        res.writeHead(200, { "Content-Disposition": 'attachment; filename="from header.txt"' }).end(BODY);
        return;
      default:
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not here");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = makeTree({});
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeTree(root);
});

describe("copyurl", () => {
  it("stores the body with Last-Modified as modtime, with or without a Content-Length", async () => {
    for (const [path, name] of [
      ["/file.txt", "a.txt"],
      ["/chunked", "b.txt"],
    ]) {
      const r = await strata(["copyurl", `${base}${path}`, join(root, "s", name as string)]);
      expect(r).toMatchObject({ code: 0, stdout: "" });
      expect(readFileSync(join(root, "s", name as string), "utf8")).toBe(BODY);
      expect(statSync(join(root, "s", name as string)).mtime).toEqual(MODIFIED);
      if (hasRclone) {
        expect((await rclone(["copyurl", `${base}${path}`, join(root, "r", name as string)])).code).toBe(0);
        expect(statSync(join(root, "r", name as string)).mtime).toEqual(MODIFIED);
      }
    }
  });

  it("names the file after the URL with -a (after redirects, decoded) and prints it with -p", async () => {
    const r = await strata(["copyurl", "-a", "-p", `${base}/moved`, join(root, "auto")]);
    expect(r).toMatchObject({ code: 0, stdout: "target name.txt\n" });
    expect(readFileSync(join(root, "auto", "target name.txt"), "utf8")).toBe(BODY);
    if (hasRclone) {
      const theirs = await rclone(["copyurl", "-a", "-p", `${base}/moved`, join(root, "auto-r")]);
      expect(theirs.stdout).toBe(r.stdout);
    }
    const header = await strata(["copyurl", "-a", "--header-filename", "-p", `${base}/download?id=7`, root]);
    expect(header).toMatchObject({ code: 0, stdout: "from header.txt\n" });
  });

  it("refuses to replace a file with --no-clobber", async () => {
    const dst = join(root, "keep.txt");
    expect((await strata(["copyurl", `${base}/chunked`, dst])).code).toBe(0);
    const r = await strata(["copyurl", "--no-clobber", "--retries", "1", `${base}/file.txt`, dst]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("CopyURL failed: file already exist");
    if (hasRclone) {
      const theirs = await rclone(["copyurl", "--no-clobber", "--retries", "1", `${base}/file.txt`, dst]);
      expect(theirs.code).not.toBe(0);
    }
  });

  it("writes to stdout with --stdout or a - destination", async () => {
    expect(await strata(["copyurl", "--stdout", `${base}/file.txt`])).toMatchObject({ code: 0, stdout: BODY });
    expect(await strata(["copyurl", `${base}/chunked`, "-"])).toMatchObject({ code: 0, stdout: BODY });
    const none = await strata(["copyurl", `${base}/file.txt`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("need 2 arguments if not using --stdout");
  });

  it("fails on an HTTP error, a URL without a file name, or a closed port, and leaves no file", async () => {
    const missing = await strata(["copyurl", "--retries", "1", `${base}/missing`, join(root, "m.txt")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("CopyURL failed: 404 Not Found");
    expect(existsSync(join(root, "m.txt"))).toBe(false);
    const noName = await strata(["copyurl", "-a", "--retries", "1", `${base}/`, root]);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain("file name wasn't found in url");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await strata(["copyurl", "--retries", "1", `http://127.0.0.1:${port}/x`, join(root, "c.txt")]);
    expect(refused.code).toBe(5);
    if (hasRclone) {
      const theirs = await rclone(["copyurl", "--retries", "1", `http://127.0.0.1:${port}/x`, join(root, "c.txt")]);
      expect(theirs.code).toBe(5);
    }
  });
});

describe("Content-Disposition file names", () => {
  it.each([
    ['attachment; filename="a b.txt"', "a b.txt"],
    ["attachment; filename=plain.bin", "plain.bin"],
    ['attachment; filename="q\\"uote.txt"', 'q"uote.txt'],
    ["attachment; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve.txt", "naïve.txt"],
    ["inline", undefined],
  ])("%s", (header, name) => {
    expect(dispositionFilename(header)).toBe(name);
  });
});
