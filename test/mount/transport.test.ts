/**
 * The FUSE transport through the real kernel, over a Map-backed Vfs: every call below is a system
 * call on the mountpoint. Only asynchronous fs calls are used: the kernel's requests are served by
 * this same process, so a synchronous call would wait on itself.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuseMount, mountVfs } from "../../src/vfs/fuse/mount.js";
import { isMounted } from "../../src/vfs/fuse/mount-point.js";
import { tempDirs } from "../temp-dirs.js";
import { fuseMissing } from "./fuse-available.js";
import { mapVfs } from "./map-vfs.js";

const run = promisify(execFile);
const temp = tempDirs("strata-fuse-");

describe.skipIf(fuseMissing)("FUSE transport", () => {
  const vfs = mapVfs();
  let mount: FuseMount;
  let dir: string;
  const options = { source: "test:", allowOther: false, readOnly: false, defaultPermissions: false };

  beforeAll(() => {
    dir = temp();
    mount = mountVfs(vfs, dir, { ...options, allowNonEmpty: false, attrTimeout: 0 });
  });
  afterAll(async () => {
    if (mount) expect(await mount.unmount()).toBeUndefined();
  });

  it("writes, reads back, lists and stats files", async () => {
    const data = Buffer.alloc(3 << 20, 7);
    data.write("head", 0);
    await writeFile(join(dir, "a.bin"), data);
    expect(Buffer.compare(await readFile(join(dir, "a.bin")), data)).toBe(0);
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "b.txt"), "bee");
    expect((await readdir(dir)).sort()).toEqual(["a.bin", "sub"]);
    const st = await stat(join(dir, "a.bin"));
    expect(st.size).toBe(data.length);
    expect(st.isFile()).toBe(true);
    expect((await stat(join(dir, "sub"))).isDirectory()).toBe(true);
    expect(vfs.calls).toContain("release a.bin");
  });

  it("keeps inode numbers per path, across renames, and gives a new one after unlink", async () => {
    await writeFile(join(dir, "ino"), "x");
    const first = (await stat(join(dir, "ino"))).ino;
    expect((await stat(join(dir, "ino"))).ino).toBe(first);
    await rename(join(dir, "ino"), join(dir, "ino2"));
    expect((await stat(join(dir, "ino2"))).ino).toBe(first);
    await rm(join(dir, "ino2"));
    await writeFile(join(dir, "ino2"), "y");
    expect((await stat(join(dir, "ino2"))).ino).not.toBe(first);
    const listed = await run("ls", ["-i", dir]);
    expect(listed.stdout).toMatch(/\d+ ino2/);
  });

  it("truncates, sets modtimes, and random-access writes", async () => {
    const path = join(dir, "t.bin");
    await writeFile(path, "0123456789");
    await truncate(path, 4);
    expect(await readFile(path, "utf8")).toBe("0123");
    const when = new Date("2020-01-02T03:04:05.678Z");
    await utimes(path, when, when);
    expect((await stat(path)).mtime.getTime()).toBe(when.getTime());
    const fh = await open(path, constants.O_RDWR);
    await fh.write("ZZ", 1);
    await fh.close();
    expect(await readFile(path, "utf8")).toBe("0ZZ3");
  });

  it("answers errors with the errno of the Vfs's FsError codes", async () => {
    await expect(stat(join(dir, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
    await mkdir(join(dir, "full"));
    await writeFile(join(dir, "full", "f"), "");
    await expect(rmdir(join(dir, "full"))).rejects.toMatchObject({ code: "ENOTEMPTY" });
    await expect(mkdir(join(dir, "full"))).rejects.toMatchObject({ code: "EEXIST" });
    await expect(writeFile(join(dir, "full", "f"), "", { flag: "wx" })).rejects.toMatchObject({ code: "EEXIST" });
    await expect(symlink("a.bin", join(dir, "link"))).rejects.toMatchObject({ code: "ENOSYS" });
  });

  it("renames directories with their contents and lists big directories across READDIR calls", async () => {
    await mkdir(join(dir, "many"));
    const names = Array.from({ length: 300 }, (_, i) => `file-with-a-longish-name-${String(i).padStart(4, "0")}`);
    for (const n of names) await writeFile(join(dir, "many", n), n);
    await rename(join(dir, "many"), join(dir, "moved"));
    expect((await readdir(join(dir, "moved"))).sort()).toEqual(names);
    expect(await readFile(join(dir, "moved", names[123]), "utf8")).toBe(names[123]);
    const { stdout } = await run("find", [join(dir, "moved"), "-type", "f"]);
    expect(stdout.trim().split("\n")).toHaveLength(300);
  });

  it("reports the Vfs's usage to statfs", async () => {
    const { stdout } = await run("stat", ["-f", "-c", "%S %b %f", dir]);
    const [bsize, blocks, free] = stdout.trim().split(" ").map(Number);
    expect(bsize * blocks).toBe(1 << 30);
    expect(bsize * free).toBe((1 << 30) - (1 << 20));
  });

  it("unmounts and ends the session", async () => {
    expect(isMounted(dir)).toBe(true);
    expect(await mount.unmount()).toBeUndefined();
    await mount.ended;
    expect(isMounted(dir)).toBe(false);
    mount = undefined as unknown as FuseMount;
  });
});
