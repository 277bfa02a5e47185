/**
 * A minimal `Vfs` over a Map, for testing the FUSE transport alone: every call it sees comes from
 * the kernel, so the tests pin down what the transport asks of a Vfs, independent of the real one.
 */
import { FsError } from "../../src/fs/errors.js";
import type { Fs } from "../../src/fs/types.js";
import { defaultVfsOptions } from "../../src/vfs/options.js";
import type { OpenFlags, Vfs, VfsAttr, VfsDirEntry, VfsHandle } from "../../src/vfs/types.js";

interface Node {
  dir: boolean;
  data: Uint8Array;
  mtime: Date;
}

function parent(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** An in-memory Vfs; `calls` records each call's name and path, for asserting what reached it. */
export function mapVfs(): Vfs & { calls: string[] } {
  const nodes = new Map<string, Node>([["", { dir: true, data: new Uint8Array(), mtime: new Date(0) }]]);
  const calls: string[] = [];
  const get = (path: string): Node => {
    const n = nodes.get(path);
    if (!n) throw new FsError("ObjectNotFound", "not found", { path });
    return n;
  };
  const attr = (n: Node): VfsAttr => ({
    kind: n.dir ? "dir" : "file",
    size: n.data.length,
    mtime: n.mtime,
    mode: n.dir ? 0o40755 : 0o100644,
  });
  const resize = (n: Node, size: number) => {
    const data = new Uint8Array(size);
    data.set(n.data.subarray(0, size));
    n.data = data;
  };
  const children = (dir: string) =>
    [...nodes.keys()].filter((p) => p !== "" && parent(p) === dir).map((p) => p.slice(dir ? dir.length + 1 : 0));
  const vfs: Vfs & { calls: string[] } = {
    calls,
    fs: undefined as unknown as Fs,
    options: { ...defaultVfsOptions, uid: 0, gid: 0 },
    async stat(path) {
      return attr(get(path));
    },
    async readdir(path): Promise<VfsDirEntry[]> {
      calls.push(`readdir ${path}`);
      if (!get(path).dir) throw new FsError("IsFile", "not a dir", { path });
      return children(path).map((name) => ({ name, attr: attr(get(path ? `${path}/${name}` : name)) }));
    },
    async open(path, flags: OpenFlags): Promise<VfsHandle> {
      calls.push(`open ${path}`);
      let n = nodes.get(path);
      if (n && flags.create && flags.exclusive) throw new FsError("AlreadyExists", "exists", { path });
      if (!n) {
        if (!flags.create) throw new FsError("ObjectNotFound", "not found", { path });
        get(parent(path));
        n = { dir: false, data: new Uint8Array(), mtime: new Date() };
        nodes.set(path, n);
      }
      const node = n;
      if (flags.truncate) resize(node, 0);
      return {
        async read(offset, length) {
          return node.data.slice(offset, offset + length);
        },
        async write(offset, data) {
          if (offset + data.length > node.data.length) resize(node, offset + data.length);
          node.data.set(data, offset);
          node.mtime = new Date();
          return data.length;
        },
        async truncate(size) {
          resize(node, size);
        },
        async flush() {},
        async release() {
          calls.push(`release ${path}`);
        },
      };
    },
    async mkdir(path) {
      if (nodes.has(path)) throw new FsError("AlreadyExists", "exists", { path });
      nodes.set(path, { dir: true, data: new Uint8Array(), mtime: new Date() });
    },
    async rmdir(path) {
      get(path);
      if (children(path).length > 0) throw new FsError("DirNotEmpty", "not empty", { path });
      nodes.delete(path);
    },
    async unlink(path) {
      if (get(path).dir) throw new FsError("IsDir", "is a dir", { path });
      nodes.delete(path);
    },
    async rename(from, to) {
      for (const [p, n] of [...nodes]) {
        if (p !== from && !p.startsWith(`${from}/`)) continue;
        nodes.delete(p);
        nodes.set(to + p.slice(from.length), n);
      }
    },
    async truncate(path, size) {
      resize(get(path), size);
    },
    async setModTime(path, mtime) {
      get(path).mtime = mtime;
    },
    async statfs() {
      return { total: 1 << 30, used: 1 << 20 };
    },
    async sync() {},
    async close() {},
  };
  return vfs;
}
