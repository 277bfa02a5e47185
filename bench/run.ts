/**
 * strata vs the real rclone on this machine, same workloads, same run, alternating, median of N.
 *
 *   npm run bench -- [sync|copy|check|big-tree|chunker|compress|crypt|erasure|long-tail|network|mount|serve|s3-list|all] [--runs 5] [--files 10000] [--big-mib 1024] [--tree 1000000] [--tree-runs 1] [--s3-objects 10000]
 *   npm run bench -- rs [--runs 5]      (Reed–Solomon kernels only, in this process: bench/rs.ts)
 *
 * Rows with one of issue 18's targets print it and whether it was met; the run ends with a summary
 * of every row. The big-tree rows (1,000,000 empty files) take minutes a run: --tree-runs of them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchCompress } from "./compress.js";
import { benchLongTail } from "./long-tail.js";
import { type Measurement, measure, median } from "./measure.js";
import { benchMount } from "./mount.js";
import { benchNetwork } from "./network.js";
import { benchBigTree, benchS3Listing } from "./scale.js";
import { benchServe } from "./serve.js";
import { targetOf, verdict } from "./targets.js";
import { bigFile, smallFiles, warm } from "./workloads.js";

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const which = args.find((a) => !a.startsWith("--") && Number.isNaN(Number(a))) ?? "all";
const RUNS = flag("runs", 5);
const FILES = flag("files", 10_000);
const BIG_MIB = flag("big-mib", 1024);
const TREE = flag("tree", 1_000_000);
const TREE_RUNS = flag("tree-runs", 1);
const S3_OBJECTS = flag("s3-objects", 10_000);

// The Reed–Solomon rows time the erasure code in this process: no rclone, no CLI build.
if (which === "rs") {
  await (await import("./rs.js")).benchRs(RUNS);
  process.exit(0);
}

const repo = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "strata-bench-"));
const rcloneConf = join(work, "rclone.conf");
writeFileSync(rcloneConf, "");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  RCLONE_CONFIG: rcloneConf,
  STRATA_CONFIG: join(work, "strata.json5"),
};
// rclone 1.60's s3 backend refuses to start while AWS_CA_BUNDLE is set (the network target's Ceph is plain HTTP).
delete env.AWS_CA_BUNDLE;
const strata = ["node", join(repo, "bin/strata.js")];
const rclone = ["rclone"];

interface Row {
  name: string;
  strata: Measurement;
  rclone: Measurement;
  bytes?: number;
  files?: number;
  /** What else the row measured (request counts), printed after it. */
  note?: string;
}
const rows: Row[] = [];

/**
 * Alternates the two tools `RUNS` times; `prepare` runs before every timed run (untimed). rclone's
 * local backend drops the pages it read from the page cache (fadvise DONTNEED), so whoever ran
 * after it would read from disk: `prepare` warms the inputs so both tools start equal.
 */
function compare(
  name: string,
  cmd: string[] | { strata: string[]; rclone: string[] },
  prepare: () => void,
  extra: { bytes?: number; files?: number; runs?: number; note?: string } = {},
): void {
  const { runs = RUNS, ...shown } = extra;
  const argsOf = (tool: "strata" | "rclone") => (Array.isArray(cmd) ? cmd : cmd[tool]);
  const times: Record<"strata" | "rclone", Measurement[]> = { strata: [], rclone: [] };
  for (let i = 0; i < runs; i++) {
    for (const [tool, bin] of [
      ["strata", strata],
      ["rclone", rclone],
    ] as const) {
      prepare();
      times[tool].push(measure([...bin, ...argsOf(tool)], env));
    }
  }
  const pick = (ms: Measurement[]): Measurement => ({
    seconds: median(ms.map((m) => m.seconds)),
    peakRssMiB: Math.max(...ms.map((m) => m.peakRssMiB)),
  });
  const row = { name, strata: pick(times.strata), rclone: pick(times.rclone), ...shown };
  rows.push(row);
  print(row);
}

function print(r: Row): void {
  const rate = (m: Measurement) =>
    [
      r.bytes ? `${(r.bytes / 1e6 / m.seconds).toFixed(1)} MB/s` : "",
      r.files ? `${Math.round(r.files / m.seconds)} files/s` : "",
    ]
      .filter(Boolean)
      .join(", ");
  console.log(
    `${r.name.padEnd(34)} strata ${r.strata.seconds.toFixed(3)} s (${rate(r.strata)}; peak RSS ${r.strata.peakRssMiB.toFixed(0)} MiB)  ` +
      `rclone ${r.rclone.seconds.toFixed(3)} s (${rate(r.rclone)}; peak RSS ${r.rclone.peakRssMiB.toFixed(0)} MiB)  ` +
      `time strata/rclone ${ratioOf(r).toFixed(2)}  ${verdict(targetOf(r.name), ratioOf(r), r.strata.peakRssMiB)}`,
  );
  if (r.note) console.log(`${"".padEnd(34)} ${r.note}`);
}

const ratioOf = (r: Row) => r.strata.seconds / r.rclone.seconds;

/** The closing note: every row's ratio and peak RSS of both tools, with its target and verdict. */
function summary(): void {
  console.log("\nsummary (time strata/rclone, peak RSS strata / rclone):");
  for (const r of rows) {
    const rss = `${r.strata.peakRssMiB.toFixed(0)} / ${r.rclone.peakRssMiB.toFixed(0)} MiB`;
    const judged = [verdict(targetOf(r.name), ratioOf(r), r.strata.peakRssMiB), r.note];
    console.log(
      `  ${r.name.padEnd(60)} ${ratioOf(r).toFixed(2).padStart(6)}  ${rss.padEnd(16)} ${judged.filter(Boolean).join("; ")}`,
    );
  }
}

execFileSync("npm", ["run", "build"], { cwd: repo, stdio: "ignore" });
console.log(
  `rclone: ${execFileSync("rclone", ["version"], { env, encoding: "utf8" }).split("\n")[0]}; runs: ${RUNS} (median)`,
);

try {
  if (which === "sync" || which === "check" || which === "all") {
    const src = join(work, "small");
    const bytes = smallFiles(src, FILES);
    const dst = join(work, "small-dst");
    if (which !== "check") {
      compare(`sync ${FILES} files (fresh)`, ["sync", src, dst], () => rmSync(dst, { recursive: true, force: true }), {
        bytes,
        files: FILES,
      });
      compare(`sync ${FILES} files (no-op)`, ["sync", src, dst], () => undefined, { files: FILES });
    }
    execFileSync("rclone", ["sync", src, dst], { env });
    compare(
      `check ${FILES} files`,
      ["check", src, dst],
      () => {
        warm(src);
        warm(dst);
      },
      { bytes, files: FILES },
    );
  }
  if (which === "copy" || which === "all") {
    const src = join(work, "big");
    const size = BIG_MIB * 1024 * 1024;
    bigFile(join(src, "big.bin"), size);
    const dst = join(work, "big-dst");
    const clear = () => {
      rmSync(dst, { recursive: true, force: true });
      warm(src);
    };
    // Both stream and verify with md5 (rclone's local backend has no server-side copy; --disable copy makes strata stream too).
    compare(`copy ${BIG_MIB} MiB (streamed + md5)`, ["copy", "--disable", "copy", src, dst], clear, { bytes: size });
    compare(`copy ${BIG_MIB} MiB (strata server-side)`, ["copy", src, dst], clear, { bytes: size });
    rmSync(src, { recursive: true, force: true });
  }
  if (which === "chunker" || which === "all") {
    const src = join(work, "ck-src");
    const size = BIG_MIB * 1024 * 1024;
    bigFile(join(src, "big.bin"), size);
    const stored = join(work, "ck-stored");
    // Both tools keep the md5 in the chunker metadata (hash_type md5, the default) and verify with it.
    const remote = `:chunker,remote=${stored},chunk_size=64M:`;
    compare(
      `chunker ${BIG_MIB} MiB local → chunker(64M)`,
      ["copy", src, remote],
      () => {
        rmSync(stored, { recursive: true, force: true });
        warm(src);
      },
      { bytes: size },
    );
    // The read-back rows start from the same stored chunks (the last write was rclone's).
    const back = join(work, "ck-back");
    compare(
      `chunker ${BIG_MIB} MiB chunker(64M) → local`,
      ["copy", remote, back],
      () => {
        rmSync(back, { recursive: true, force: true });
        warm(stored);
      },
      { bytes: size },
    );
    rmSync(src, { recursive: true, force: true });
    rmSync(stored, { recursive: true, force: true });
    rmSync(back, { recursive: true, force: true });
  }
  if (which === "crypt" || which === "all") {
    const src = join(work, "cr-src");
    const size = BIG_MIB * 1024 * 1024;
    bigFile(join(src, "big.bin"), size);
    const stored = join(work, "cr-stored");
    const back = join(work, "cr-back");
    // "hunter2", obscured. Both tools encrypt with the same keys and md5 the ciphertext they upload to
    // compare it with the wrapped remote's md5.
    const crypt = (remote: string) => `:crypt,remote=${remote},password=AAECAwQFBgcICQoLDA0OD2nqCVFioHI:`;
    compare(
      `crypt ${BIG_MIB} MiB local → crypt(local)`,
      ["copy", src, crypt(stored)],
      () => {
        rmSync(stored, { recursive: true, force: true });
        warm(src);
      },
      { bytes: size },
    );
    // The read-back starts from the last write (rclone's): both decrypt the same file.
    compare(
      `crypt ${BIG_MIB} MiB crypt(local) → local`,
      ["copy", crypt(stored), back],
      () => {
        rmSync(back, { recursive: true, force: true });
        warm(stored);
      },
      { bytes: size },
    );
    const chunked = join(work, "cr-chunks");
    compare(
      `crypt ${BIG_MIB} MiB local → crypt(chunker(64M))`,
      ["copy", src, crypt(`":chunker,remote=${chunked},chunk_size=64M:"`)],
      () => {
        rmSync(chunked, { recursive: true, force: true });
        warm(src);
      },
      { bytes: size },
    );
    for (const d of [src, stored, back, chunked]) rmSync(d, { recursive: true, force: true });
  }
  if (which === "compress" || which === "all") {
    benchCompress({ work, runs: RUNS, bigMib: BIG_MIB, env, strata, compare });
  }
  if (which === "erasure" || which === "all") {
    const src = join(work, "ec-src");
    const size = BIG_MIB * 1024 * 1024;
    bigFile(join(src, "big.bin"), size);
    const shards = Array.from({ length: 6 }, (_, i) => join(work, `ec-shard-${i}`));
    const plainDst = join(work, "ec-plain");
    // rclone has no erasure code: its row is the plain local → local copy the target is set against.
    // strata keeps the md5 and sha1 of the plaintext in every shard and SHA-256s every piece.
    compare(
      `erasure ${BIG_MIB} MiB local → erasure(6 × local, 4+2) [rclone: local → local]`,
      {
        strata: ["copy", src, `:erasure,remotes="${shards.join(" ")}",data_shards=4,parity_shards=2:`],
        rclone: ["copy", src, plainDst],
      },
      () => {
        for (const d of [...shards, plainDst]) rmSync(d, { recursive: true, force: true });
        warm(src);
      },
      { bytes: size },
    );
    for (const d of [src, plainDst, ...shards]) rmSync(d, { recursive: true, force: true });
  }
  if (which === "erasure" || which === "long-tail" || which === "all") {
    // Slow disks make these rows take seconds per run: at most 256 MiB.
    benchLongTail({ work, runs: RUNS, mib: Math.min(BIG_MIB, 256), env, strata, repo });
  }
  if (which === "network" || which === "all") {
    await benchNetwork({ work, bigMib: BIG_MIB, env, compare });
  }
  if (which === "mount" || which === "all") {
    // Kernel mounts need /dev/fuse and root; the file is at most 1 GiB (it passes the cache disk twice).
    await benchMount({ work, runs: RUNS, mib: Math.min(BIG_MIB, 1024), env, strata });
  }
  if (which === "serve" || which === "all") {
    // curl against strata serve and rclone serve on crypt(local); at most 1 GiB.
    await benchServe({ work, runs: RUNS, mib: Math.min(BIG_MIB, 1024), env, strata });
  }
  if (which === "big-tree" || which === "all") {
    // Minutes a run (the tree alone takes minutes to write): --tree-runs of them, 1 by default.
    benchBigTree({ work, env, compare }, TREE, TREE_RUNS);
  }
  if (which === "s3-list" || which === "all") {
    await benchS3Listing({ work, env, compare }, S3_OBJECTS);
  }
  summary();
} finally {
  rmSync(work, { recursive: true, force: true });
}
