/** lsd, lsf, tree and size, run as the CLI and compared with real rclone on the same trees. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, sortedLines, strata, stripStamps } from "./run-cli.js";

let root: string;
let dotted: string;

beforeAll(() => {
  root = makeTree(STANDARD);
  dotted = makeTree({
    ...STANDARD,
    ".hidden": "hi\n",
    ".hdir/in": "x\n",
    "a/emptysub": null,
    "n/v10": "1",
    "n/v9": "22",
    "n/v1": "",
  });
});
afterAll(() => {
  removeTree(root);
  removeTree(dotted);
});

/** Runs both and expects the same stdout (sorted when `sorted`) and exit code. */
async function same(args: (root: string) => string[], sorted = false, dir = () => root) {
  const ours = await strata(args(dir()));
  if (!hasRclone) return ours;
  const theirs = await rclone(args(dir()));
  if (sorted) expect(sortedLines(ours.stdout)).toEqual(sortedLines(theirs.stdout));
  else expect(ours.stdout).toBe(theirs.stdout);
  expect(ours.code).toBe(theirs.code);
  return ours;
}

describe("lsd", () => {
  it("lists the directories of one level in rclone's columns", async () => {
    const r = await same((d) => ["lsd", d]);
    expect(r.stdout).toBe(
      [
        "          -1 2021-03-04 05:06:07        -1 a",
        "          -1 2021-03-04 05:06:07        -1 c",
        "          -1 2021-03-04 05:06:07        -1 empty",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(0);
  });
  it("recurses with -R and to --max-depth without it", async () => {
    const r = await same((d) => ["lsd", "-R", d], true);
    expect(r.stdout).toContain("-1 a/b\n");
    await same((d) => ["lsd", "--max-depth", "2", d], true);
    // -R wins over --max-depth, as in rclone.
    await same((d) => ["lsd", "-R", "--max-depth", "1", d], true);
  });
  it("narrows the columns with --human-readable", async () => {
    const r = await same((d) => ["lsd", "--human-readable", d]);
    expect(r.stdout.split("\n")[0]).toBe("       -1 2021-03-04 05:06:07       -1 a");
  });
  it("prints nothing for a file and exits 3 for a missing directory", async () => {
    expect((await same((d) => ["lsd", `${d}/f1.txt`])).stdout).toBe("");
    const missing = await same((d) => ["lsd", `${d}/nope`]);
    expect(missing.code).toBe(3);
  });
  it("exits 1 when the path is missing", async () => {
    const r = await strata(["lsd"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Command lsd needs 1 arguments minimum: you provided 0 non flag arguments: \[\]\n$/);
  });
});

describe("lsf", () => {
  it("lists names with / after directories", async () => {
    const r = await same((d) => ["lsf", d]);
    expect(r.stdout).toBe("a/\nc/\nempty/\nf1.txt\n");
  });
  it.each(
    [
      ["-R"],
      ["-R", "--format", "pst"],
      ["-R", "--format", "tsp", "--separator", ","],
      ["-R", "--format", "ph"],
      ["-R", "--format", "hp", "--hash", "SHA-1", "-s", "  ", "--files-only"],
      ["-R", "--format", "ph", "--hash", "crc32"],
      ["-R", "--format", "ph", "--hash", "sha256"],
      ["-R", "--format", "pm", "--dirs-only"],
      ["-R", "--format", "pstm", "--files-only", "--max-depth", "2"],
      ["-R", "--format", "pio", "--csv"],
      ["-R", "--absolute"],
      ["-R", "--dir-slash=false"],
      ["--max-depth", "2"],
    ].map((flags) => [flags.join(" "), flags] as const),
  )("matches rclone lsf %s", async (_, flags) => {
    const r = await same((d) => ["lsf", ...flags, d], true);
    expect(r.code).toBe(0);
  });
  it("quotes CSV fields as Go's encoding/csv", async () => {
    const odd = makeTree({ "a,b.txt": "1", 'q"uote': "22", " lead": "", plain: "x" });
    try {
      const r = await same(
        (d) => ["lsf", "--csv", "--format", "ps", d],
        false,
        () => odd,
      );
      expect(r.stdout).toBe(`" lead",0\n"a,b.txt",1\nplain,1\n"q""uote",2\n`);
    } finally {
      removeTree(odd);
    }
  });
  it("lists a single file", async () => {
    const r = await same((d) => ["lsf", "-F", "pst", `${d}/f1.txt`]);
    expect(r.stdout).toBe("f1.txt;5;2021-03-04 05:06:07\n");
  });
  it("prints M as {} and rejects unknown letters and hashes with exit 1", async () => {
    expect((await strata(["lsf", "-F", "pM", `${root}/f1.txt`])).stdout).toBe("f1.txt;{}\n");
    const bad = await same((d) => ["lsf", "--format", "x", d]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown format character 'x'");
    const badHash = await strata(["lsf", "--hash", "sha-1", root]);
    expect(badHash.code).toBe(1);
    expect(badHash.stderr).toContain('unknown hash type "sha-1"');
  });
  it("exits 3 for a missing directory", async () => {
    expect((await same((d) => ["lsf", `${d}/nope`])).code).toBe(3);
  });
});

describe("tree", () => {
  it("draws rclone's tree with the footer", async () => {
    const r = await same((d) => ["tree", d]);
    expect(r.stdout).toBe(
      [
        "/",
        "├── a",
        "│   ├── b",
        "│   │   └── zero",
        "│   └── f2.bin",
        "├── c",
        "│   └── big.dat",
        "├── empty",
        "└── f1.txt",
        "",
        "4 directories, 4 files",
        "",
      ].join("\n"),
    );
  });
  it("prints sizes, directory totals and ??? below the level limit", async () => {
    const r = await same((d) => ["tree", "-s", d]);
    expect(r.stdout.split("\n")[0]).toBe("[       1548]  /");
    const limited = await same((d) => ["tree", "--level", "2", "-s", d]);
    expect(limited.stdout).toContain("[???????????]  b\n");
    expect(limited.stdout).toContain("4 directories, 3 files\n");
  });
  it.each(
    [
      ["--noreport"],
      ["--level", "1"],
      ["--max-depth", "1"],
      ["-s", "--human-readable"],
      ["-D"],
      ["-d"],
      ["-d", "--level", "1"],
      ["--full-path"],
      ["--noindent"],
      ["-Q"],
      ["-r"],
      ["-p"],
      ["--dirsfirst"],
      ["--sort", "size"],
      ["-a"],
      ["-a", "-s"],
      ["--version", "-a"],
      ["-t", "-r"],
      ["-U", "-a", "--sort", "name"],
    ].map((flags) => [flags.join(" "), flags] as const),
  )("matches rclone tree %s", async (_, flags) => {
    const r = await same(
      (d) => ["tree", ...flags, d],
      false,
      () => dotted,
    );
    expect(r.code).toBe(0);
  });
  it("draws a file, an empty directory and dirs-only footers as rclone", async () => {
    expect((await same((d) => ["tree", `${d}/f1.txt`])).stdout).toBe("/\n└── f1.txt\n\n0 directories, 1 files\n");
    expect((await same((d) => ["tree", `${d}/empty`])).stdout).toBe("/\n\n0 directories, 0 files\n");
    expect((await same((d) => ["tree", "-d", d])).stdout).toMatch(/\n\n0 directories\n$/);
  });
  it("writes to --output and exits 3 for a missing directory", async () => {
    const out = `${root}/../strata-tree-out-${process.pid}.txt`;
    const r = await strata(["tree", "-o", out, root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const { readFileSync, rmSync } = await import("node:fs");
    expect(readFileSync(out, "utf8")).toContain("4 directories, 4 files\n");
    rmSync(out);
    expect((await same((d) => ["tree", `${d}/nope`])).code).toBe(3);
  });
});

describe("size", () => {
  it("prints counts and sizes as rclone", async () => {
    const r = await same((d) => ["size", d]);
    expect(r.stdout).toBe("Total objects: 4 (4)\nTotal size: 1.512 KiB (1548 Byte)\n");
    expect((await same((d) => ["size", `${d}/c`])).stdout).toBe(
      "Total objects: 1 (1)\nTotal size: 1.500 KiB (1536 Byte)\n",
    );
    expect((await same((d) => ["size", `${d}/f1.txt`])).stdout).toBe(
      "Total objects: 1 (1)\nTotal size: 5 B (5 Byte)\n",
    );
    expect((await same((d) => ["size", `${d}/empty`])).stdout).toBe("Total objects: 0 (0)\nTotal size: 0 B (0 Byte)\n");
    await same((d) => ["size", "--max-depth", "1", d]);
  });
  it("prints JSON with --json", async () => {
    const r = await same((d) => ["size", "--json", d]);
    expect(JSON.parse(r.stdout)).toEqual({ count: 4, bytes: 1548, sizeless: 0 });
    expect(r.stdout).toBe('{"count":4,"bytes":1548,"sizeless":0}\n');
  });
  it("exits 3 for a missing directory", async () => {
    const r = await same((d) => ["size", `${d}/nope`]);
    expect(r.code).toBe(3);
    expect(stripStamps(r.stderr)).toContain("directory not found");
  });
});
