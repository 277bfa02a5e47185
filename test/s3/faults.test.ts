/**
 * Faults over Ceph radosgw, on an instance of this file's own: radosgw killed mid-upload (the put
 * fails with a temporary error and, once radosgw is back, nothing is visible under the final name),
 * and a full stop and start keeping the stored objects.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { type CephServer, startCeph } from "../servers/ceph.js";
import { slowBody } from "../slow-body.js";
import { randomBucket, s3Remote } from "./remote.js";

const MiB = 1024 * 1024;
const T0 = new Date("2021-06-07T08:09:10.111Z");
const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

let server: CephServer;
beforeAll(async () => {
  server = await startCeph("s3-faults");
});
afterAll(async () => {
  await server?.destroy();
});

describe("s3 faults on Ceph radosgw", () => {
  let fs: Fs;
  const kept = randomBytes(3000);

  beforeAll(async () => {
    fs = await newFs(s3Remote(server, randomBucket()), createContext());
    await fs.put(fromBytes(kept), { remote: "kept.bin", size: kept.length, modTime: T0 });
  });

  it("radosgw killed mid-upload: the put fails Transient and no object appears under the final name", async () => {
    const { body, reached: halfway } = slowBody(40 * MiB, 12 * MiB);
    const put = fs.put(body, { remote: "big.bin", size: 40 * MiB, modTime: T0 });
    const outcome = put.then(
      () => undefined,
      (err: unknown) => err,
    );
    await halfway;
    await server.stopRgw({ hard: true });
    const err = await outcome;
    expect(isFsError(err, "Transient"), String(err)).toBe(true);
    expect((err as { retry: string }).retry).toBe("temporary");
    await server.startRgw();
    const missing = await fs.newObject("big.bin").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFsError(missing, "ObjectNotFound"), String(missing)).toBe(true);
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["kept.bin"]);
  });

  it("a full stop and start keeps what was stored", async () => {
    await server.stop();
    await server.start();
    const o = await fs.newObject("kept.bin");
    expect(o.modTime.getTime()).toBe(T0.getTime());
    expect(md5(await toBytes(await o.open()))).toBe(md5(kept));
  });
});
