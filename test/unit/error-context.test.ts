import { describe, expect, it } from "vitest";
import { MemoryFs } from "../../src/backends/memory/fs.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { asFsError, FormatError, FsError, type FsOp, isFsError, withContext } from "../../src/fs/errors.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";

let seq = 0;

/** What `p` rejects with; fails the test when it resolves. */
function thrown(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
}

/** A guarded memory remote over a fault layer, with one file `d/f` and one directory `e`. */
async function guarded(): Promise<{ guard: Fs; faults: FaultFs; file: FsObject }> {
  const faults = new FaultFs(new MemoryFs("mem", `error-context-${seq++}`));
  const guard = new PathGuardFs(faults);
  const file = await guard.put(fromBytes(Buffer.from("hello")), { remote: "d/f", size: 5, modTime: new Date() });
  await guard.mkdir("e");
  return { guard, faults, file };
}

const info = (remote: string) => ({ remote, size: 1, modTime: new Date() });

/** Each operation run through the guard, with the path it is given. */
const OPS: [FsOp, string, (fs: Fs, file: FsObject) => Promise<unknown>][] = [
  ["list", "d", (fs) => fs.list("d")],
  ["newObject", "d/f", (fs) => fs.newObject("d/f")],
  ["put", "d/g", (fs) => fs.put(fromBytes(Buffer.from("x")), info("d/g"))],
  [
    "putStream",
    "d/g",
    (fs) =>
      (fs.features.putStream as NonNullable<Fs["features"]["putStream"]>)(fromBytes(Buffer.from("x")), info("d/g")),
  ],
  ["mkdir", "n", (fs) => fs.mkdir("n")],
  ["rmdir", "e", (fs) => fs.rmdir("e")],
  ["copy", "d/c", (fs, file) => (fs.features.copy as NonNullable<Fs["features"]["copy"]>)(file, "d/c")],
  ["move", "d/m", (fs, file) => (fs.features.move as NonNullable<Fs["features"]["move"]>)(file, "d/m")],
  ["dirMove", "e2", (fs) => (fs.features.dirMove as NonNullable<Fs["features"]["dirMove"]>)(fs, "e", "e2")],
  ["purge", "e", (fs) => (fs.features.purge as NonNullable<Fs["features"]["purge"]>)("e")],
  ["open", "d/f", (_fs, file) => file.open()],
  ["remove", "d/f", (_fs, file) => file.remove()],
  ["setModTime", "d/f", (_fs, file) => file.setModTime(new Date())],
  ["hash", "d/f", (_fs, file) => file.hash("md5")],
];

describe("errors through the path guard", () => {
  it.each(OPS)("%s fails with op, path and fs as fields", async (op, path, run) => {
    const { guard, faults, file } = await guarded();
    faults.addRule({ ops: [op], fail: "permanent" });
    const err = await thrown(run(guard, file));
    expect(isFsError(err)).toBe(true);
    expect(err).toMatchObject({ op, path, fs: guard.toString() });
    // The fault layer put the path in its message; the guard adds fields, never a second prefix.
    expect((err as FsError).message).toBe(`${path}: injected permanent ${op} error`);
  });

  it("tags a body failing half-way as the open that gave it", async () => {
    const { guard, faults, file } = await guarded();
    faults.addRule({ ops: ["open"], failAtByte: 2 });
    const err = await thrown(file.open().then(toBytes));
    expect(err).toMatchObject({ op: "open", path: "d/f", fs: guard.toString() });
  });

  it("tags a path refused by the guard with the operation it was given to", async () => {
    const { guard } = await guarded();
    const err = await thrown(guard.list("../x"));
    expect(err).toMatchObject({ code: "PathEscape", op: "list", path: "../x" });
    expect((err as FsError).message).toBe("../x: path climbs above the remote's root");
  });

  it("fills a path the backend left out without changing the message", async () => {
    const { guard } = await guarded();
    const err = await thrown(guard.rmdir("d"));
    expect(err).toMatchObject({ code: "DirNotEmpty", op: "rmdir", path: "d" });
  });

  it("keeps the context of the innermost remote that reported the error", async () => {
    const { guard, faults } = await guarded();
    faults.addRule({ ops: ["list"], fail: "permanent" });
    const outer = new PathGuardFs(guard);
    const err = await thrown(outer.list("d"));
    expect(err).toMatchObject({ op: "list", path: "d", fs: guard.toString() });
  });

  it("turns a format module's FormatError into Corrupt about the operation's path", async () => {
    class Undecodable extends MemoryFs {
      override async list(): Promise<never> {
        throw new FormatError("bad padding");
      }
    }
    const guard = new PathGuardFs(new Undecodable("mem", `error-context-${seq++}`));
    const err = await thrown(guard.list("d"));
    expect(err).toMatchObject({ code: "Corrupt", op: "list", path: "d", message: "d: bad padding" });
    expect((err as FsError).cause).toMatchObject({ name: "FormatError" });
  });

  it("reaches library users of newFs", async () => {
    const fs = await newFs(":memory:error-context-lib", createContext());
    const err = await thrown(fs.newObject("missing.txt"));
    expect(err).toMatchObject({ code: "ObjectNotFound", op: "newObject", path: "missing.txt", fs: fs.toString() });
  });
});

describe("withContext and asFsError", () => {
  it("leaves other errors alone and never overwrites a field", () => {
    const plain = new Error("x");
    expect(withContext(plain, { op: "list" })).toBe(plain);
    const err = new FsError("Other", "x", { path: "a", op: "put" });
    withContext(err, { path: "b", op: "list", fs: "mem:" });
    expect(err).toMatchObject({ path: "a", op: "put", fs: "mem:", message: "a: x" });
  });

  it("keeps an FsError and wraps anything else with the code given", () => {
    const err = new FsError("Corrupt", "bad");
    expect(asFsError(err, "Other")).toBe(err);
    const cause = new RangeError("bad padding");
    expect(asFsError(cause, "Corrupt", "f")).toMatchObject({
      code: "Corrupt",
      path: "f",
      message: "f: bad padding",
      cause,
    });
  });
});
