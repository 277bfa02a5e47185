/**
 * What listings cost on S3, counted as the SDK sends them to Ceph radosgw: a recursive `lsf` is one
 * list request per page and no HEADs; only what prints or compares modtimes reads each object's
 * metadata, and a sync over an unchanged tree reads no object's content.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Fs } from "../../src/backends/s3/fs.js";
import { formatMtime } from "../../src/backends/s3/metadata.js";
import { Stats } from "../../src/fs/accounting/stats.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import type { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { listTarget } from "../../src/fs/operations/list.js";
import { lsf } from "../../src/fs/operations/lsf.js";
import { openTarget } from "../../src/fs/operations/target.js";
import { runSync } from "../../src/fs/sync/sync.js";
import type { Fs } from "../../src/fs/types.js";
import type { CephServer } from "../servers/ceph.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { randomBucket, s3Remote } from "./remote.js";

/** d0 takes two pages of ListObjectsV2 (1000 keys each); d1 is small. */
const BIG = 1100;
const SMALL = 20;
const FILES = BIG + SMALL;
const T0 = new Date("2021-03-04T05:06:07.089Z");

let server: CephServer;
let bucket: string;
beforeAll(async () => {
  server = await sharedServer("ceph");
  bucket = randomBucket();
  const fs = await newFs(s3Remote(server, bucket), createContext());
  await fs.mkdir("");
  const client = inner(fs).client;
  // Written with the SDK directly (rclone's mtime metadata), 32 at a time, to keep the setup short.
  const keys = Array.from({ length: FILES }, (_, i) => `d${i < BIG ? 0 : 1}/f${String(i).padStart(5, "0")}`);
  for (let at = 0; at < keys.length; at += 32) {
    await Promise.all(
      keys
        .slice(at, at + 32)
        .map((Key) =>
          client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key, Metadata: { mtime: formatMtime(T0) } })),
        ),
    );
  }
}, 300_000);
afterAll(stopSharedServers);

const inner = (fs: Fs) => (fs as PathGuardFs).inner as S3Fs;

/** Counts the requests `fs`'s client sends, by command name, from now on. */
function countRequests(fs: Fs): Map<string, number> {
  const counts = new Map<string, number>();
  inner(fs).client.middlewareStack.add(
    (next, context) => (args) => {
      counts.set(context.commandName as string, (counts.get(context.commandName as string) ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: `count-${Math.random()}` },
  );
  return counts;
}

describe("s3 listing requests", () => {
  it("lsf -R lists each directory page by page and sends no HEAD", async () => {
    const fs = await newFs(s3Remote(server, bucket), createContext());
    const counts = countRequests(fs);
    const lines: string[] = [];
    for await (const line of lsf({ fs }, { recursive: true })) lines.push(line);
    expect(lines.filter((l) => !l.endsWith("/"))).toHaveLength(FILES);
    // The bucket, d0 in two pages, d1 in one.
    expect(Object.fromEntries(counts)).toEqual({ ListObjectsV2Command: 4 });
  });

  it("a listing that prints modtimes reads each object's mtime metadata, once", async () => {
    const fs = await newFs(s3Remote(server, bucket), createContext());
    const target = await openTarget(s3Remote(server, `${bucket}/d1`), createContext());
    const counts = countRequests(target.fs);
    const times = new Set<number>();
    for await (const e of listTarget(target, { modTimes: {} })) times.add(e.modTime.getTime());
    expect([...times]).toEqual([T0.getTime()]);
    expect(Object.fromEntries(counts)).toEqual({ ListObjectsV2Command: 1, HeadObjectCommand: SMALL });
    // --use-server-modtime: the listing's upload times, no HEAD.
    const again = countRequests(fs);
    for await (const e of listTarget({ fs }, { modTimes: { useServerModTime: true }, maxDepth: 1 })) {
      expect(e.modTime.getTime()).not.toBe(T0.getTime());
    }
    expect(again.get("HeadObjectCommand")).toBeUndefined();
  });

  it("a sync over an unchanged tree opens no object and reads only modtimes", async () => {
    const src = await newFs(s3Remote(server, `${bucket}/d1`), createContext());
    const dst = new CountingFs(await newFs(`:memory:s3-sync-${bucket}`, createContext()));
    const first = new Stats();
    await runSync("copy", src, dst, { stats: first });
    expect(first.transfers).toBe(SMALL);
    const srcCounts = countRequests(src);
    dst.reset();
    const second = new Stats();
    await runSync("copy", src, dst, { stats: second });
    expect(second.transfers).toBe(0);
    expect(srcCounts.get("GetObjectCommand")).toBeUndefined();
    expect(srcCounts.get("ListObjectsV2Command")).toBe(1);
    expect(srcCounts.get("HeadObjectCommand")).toBe(SMALL);
    expect(dst.count("open") + dst.count("put") + dst.count("setModTime")).toBe(0);
  });
});
