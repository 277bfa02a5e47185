/**
 * The scale rows: a sync of a tree of empty files (default 1,000,000, 1000 a directory) local → local
 * and local → `:memory:`, for time and both tools' peak RSS; and `lsf -R` of 10,000 objects on Ceph's
 * S3, timed, with the requests each tool sends counted (strata's at its SDK client, in this process;
 * rclone's from its `--dump headers` log).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { S3Fs } from "../src/backends/s3/fs.js";
import type { PathGuardFs } from "../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../src/fs/new-fs.js";
import { lsf } from "../src/fs/operations/lsf.js";
import { s3Remote } from "../test/s3/remote.js";
import { startCeph } from "../test/servers/ceph.js";
import { emptyFiles } from "./workloads.js";

type Compare = (
  name: string,
  cmd: string[],
  prepare: () => void,
  extra?: { files?: number; runs?: number; note?: string },
) => void;

export interface ScaleBench {
  work: string;
  env: NodeJS.ProcessEnv;
  compare: Compare;
}

/** Both tools sync `files` empty files to a fresh local directory and to `:memory:`, `runs` times each. */
export function benchBigTree(b: ScaleBench, files: number, runs: number): void {
  const src = join(b.work, "tree");
  emptyFiles(src, files);
  const dst = join(b.work, "tree-dst");
  const clear = () => rmSync(dst, { recursive: true, force: true });
  b.compare(`sync ${files} empty files local → local`, ["sync", src, dst], clear, { files, runs });
  b.compare(`sync ${files} empty files local → :memory:`, ["sync", src, ":memory:bench"], () => undefined, {
    files,
    runs,
  });
  clear();
  rmSync(src, { recursive: true, force: true });
}

/** Requests by HTTP method (and list requests apart) from rclone's `--dump headers` log. */
function rcloneRequests(log: string): { list: number; head: number; other: number } {
  const counts = { list: 0, head: 0, other: 0 };
  // -vv --dump headers logs each request line as "… DEBUG : GET /bucket?… HTTP/1.1" (ending in CRLF).
  for (const m of log.matchAll(/DEBUG : (GET|HEAD|PUT|POST|DELETE) (\S+) HTTP\/1\.1\r?$/gm)) {
    if (m[1] === "HEAD") counts.head++;
    else if (m[1] === "GET" && /[?&](list-type|delimiter|prefix)=/.test(m[2] as string)) counts.list++;
    else counts.other++;
  }
  return counts;
}

/** `lsf -R` of `objects` objects (1000 a prefix) on a Ceph started here and stopped by PID when done. */
export async function benchS3Listing(b: ScaleBench, objects: number): Promise<void> {
  const server = await startCeph("bench-ceph-list");
  try {
    const remote = s3Remote(server, "list");
    const src = join(b.work, "s3-objects");
    emptyFiles(src, objects);
    execFileSync("rclone", ["copy", "--transfers", "32", src, remote], { env: b.env, stdio: "ignore" });
    rmSync(src, { recursive: true, force: true });

    const fs = await newFs(remote, createContext());
    const counts = new Map<string, number>();
    ((fs as PathGuardFs).inner as S3Fs).client.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName as string;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "bench-count" },
    );
    let lines = 0;
    for await (const _ of lsf({ fs }, { recursive: true })) lines++;
    await fs.close?.();
    const dump = spawnSync("rclone", ["lsf", "-R", "-vv", "--dump", "headers", remote], {
      env: b.env,
      encoding: "utf8",
    });
    const theirs = rcloneRequests(dump.stderr);
    const lists = counts.get("ListObjectsV2Command") ?? 0;
    const heads = counts.get("HeadObjectCommand") ?? 0;
    const others = [...counts].filter(([k]) => k !== "ListObjectsV2Command" && k !== "HeadObjectCommand");
    // One pass: the root once and each prefix of 1000 objects in one page (rclone's recursive
    // listing pages through the whole bucket instead, ceil(objects / 1000) requests).
    const met = heads === 0 && others.length === 0 && lists <= 1 + Math.ceil(objects / 1000);
    b.compare(`lsf -R ${objects} objects on s3 (Ceph)`, ["lsf", "-R", remote], () => undefined, {
      files: objects,
      note:
        `requests: strata ${lists} list, ${heads} HEAD${others.map(([k, n]) => `, ${n} ${k}`).join("")} (${lines} lines); ` +
        `rclone ${theirs.list} list, ${theirs.head} HEAD, ${theirs.other} other; ` +
        `target one list pass, no HEADs: ${met ? "met" : "missed"}`,
    });
  } finally {
    await server.destroy();
  }
}
