/**
 * The webdav backend against a real Apache mod_dav: credentials, ranges (also through a server that
 * ignores Range), server-side operations, and a server killed in the middle of an upload.
 */
import { randomBytes } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, Fs } from "../../src/fs/types.js";
import { type ApacheServer, startApache } from "../servers/apache.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { randomRoot, webdavRemote } from "./remote.js";

const MiB = 1024 * 1024;
const T0 = new Date(Date.UTC(2001, 1, 3, 4, 5, 6));

const open = (remote: string) => newFs(remote, createContext());

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** A proxy in front of `target` that drops the Range header, as a server without range support. */
function rangeIgnoringProxy(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers.range;
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("webdav (apache)", () => {
  let apache: ApacheServer;
  beforeAll(async () => {
    apache = await sharedServer("apache");
  });
  afterAll(stopSharedServers);

  it("a wrong password fails at once with AuthFailed (fatal, so nothing retries it)", async () => {
    const fs = await open(webdavRemote(apache, randomRoot("auth"), { pass: "wrong" }));
    const started = Date.now();
    const err = await rejection(fs.list(""));
    expect(isFsError(err, "AuthFailed"), String(err)).toBe(true);
    expect((err as { retry: string }).retry).toBe("fatal");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reads ranges across 1 MiB boundaries, also when the server ignores Range and sends everything", async () => {
    const root = randomRoot("range");
    const fs = await open(webdavRemote(apache, root));
    const data = randomBytes(3 * MiB + 11);
    await fs.put(fromBytes(data, 256 * 1024), { remote: "big.bin", size: data.length, modTime: T0 });
    const proxy = await rangeIgnoringProxy(new URL(apache.url));
    try {
      const address = proxy.address() as { port: number };
      const viaProxy = await open(webdavRemote({ ...apache, url: `http://127.0.0.1:${address.port}/` }, root));
      for (const target of [fs, viaProxy]) {
        const obj = await target.newObject("big.bin");
        for (const [offset, length] of [
          [MiB - 3, 10],
          [2 * MiB - 1, MiB + 2],
          [3 * MiB, 100],
        ] as const) {
          const got = Buffer.from(await toBytes(await obj.open({ offset, length })));
          expect(got.equals(data.subarray(offset, offset + length)), `${target} ${offset}+${length}`).toBe(true);
        }
      }
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("copies and moves server-side between roots of one server, and refuses other sources", async () => {
    const a = await open(webdavRemote(apache, randomRoot("a")));
    const b = await open(webdavRemote(apache, randomRoot("b")));
    const data = randomBytes(1000);
    const src = await a.put(fromBytes(data), { remote: "src.bin", size: data.length, modTime: T0 });
    const copied = await b.features.copy?.(src, "dir/copy.bin");
    expect(copied?.size).toBe(1000);
    expect(Buffer.from(await toBytes(await (await b.newObject("dir/copy.bin")).open())).equals(data)).toBe(true);
    const moved = await b.features.move?.(src, "moved.bin");
    expect(moved?.remote).toBe("moved.bin");
    expect(isFsError(await rejection(a.newObject("src.bin")), "ObjectNotFound")).toBe(true);
    const memory = await open(":memory:webdav-test");
    const other = await memory.put(fromBytes(data), { remote: "m.bin", size: data.length, modTime: T0 });
    expect(isFsError(await rejection(b.features.copy?.(other, "x.bin") as Promise<unknown>), "CantCopy")).toBe(true);
    expect(isFsError(await rejection(b.features.move?.(other, "x.bin") as Promise<unknown>), "CantMove")).toBe(true);
  });

  it("refuses to replace a directory with a file, by put, copy or move", async () => {
    const fs = await open(webdavRemote(apache, randomRoot("isdir")));
    await fs.put(fromBytes(Buffer.from("inside")), { remote: "d/keep.txt", size: 6, modTime: T0 });
    const err = await rejection(fs.put(fromBytes(Buffer.from("x")), { remote: "d", size: 1, modTime: T0 }));
    expect(isFsError(err, "IsDir"), String(err)).toBe(true);
    const src = await fs.put(fromBytes(Buffer.from("x")), { remote: "f.txt", size: 1, modTime: T0 });
    expect(isFsError(await rejection(fs.features.copy?.(src, "d") as Promise<unknown>), "IsDir")).toBe(true);
    expect(isFsError(await rejection(fs.features.move?.(src, "d") as Promise<unknown>), "IsDir")).toBe(true);
    expect((await fs.list("d")).map((e) => e.remote)).toEqual(["d/keep.txt"]);
    expect((await fs.list("")).map((e) => e.remote).sort()).toEqual(["d", "f.txt"]);
  });
});

describe("webdav: Apache killed during an upload", () => {
  let apache: ApacheServer | undefined;
  afterAll(async () => {
    await apache?.destroy();
  });

  it("fails the put with Transient and leaves nothing under the final name after a restart", async () => {
    apache = await startApache("webdav-kill");
    const server = apache;
    const fs: Fs = await open(webdavRemote(server, "kill"));
    const size = 30 * MiB;
    let sent = 0;
    let killed: Promise<void> | undefined;
    // A slow source: 64 KiB every few milliseconds, and the server dies once 4 MiB have gone out.
    async function* slowBody(): Body {
      while (sent < size) {
        const part = randomBytes(Math.min(64 * 1024, size - sent));
        sent += part.length;
        if (sent >= 4 * MiB && !killed) killed = server.stop({ hard: true });
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield part;
      }
    }
    const err = await rejection(fs.put(slowBody(), { remote: "big.bin", size, modTime: T0 }));
    await killed;
    expect(isFsError(err, "Transient"), String(err)).toBe(true);
    expect((err as { retry: string }).retry).toBe("temporary");
    expect(sent).toBeLessThan(size);

    await server.start();
    expect(isFsError(await rejection(fs.newObject("big.bin")), "ObjectNotFound")).toBe(true);
    expect((await fs.list("")).map((e) => e.remote)).toEqual([]);
    // What the killed upload left is a hidden temporary file, which cleanUp removes.
    await fs.features.cleanUp?.();
  });
});
