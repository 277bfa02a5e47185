/**
 * Node ids for the kernel. A path keeps its number for the mount's life (a rename carries it to the
 * new path; an unlink or rmdir frees the path, and what is made there later gets a new number), so
 * tools that compare st_ino (rsync, tar, find) see one file as one file. The kernel's lookup counts
 * are kept per node: a node it has forgotten entirely is dropped from the live table, and finding it
 * again gives back the same number.
 */

/** Node id of the mount's root, fixed by the protocol. */
export const ROOT_ID = 1n;

interface Node {
  path: string;
  lookups: bigint;
}

export class InodeTable {
  private next = 2n;
  private readonly byPath = new Map<string, bigint>([["", ROOT_ID]]);
  private readonly live = new Map<bigint, Node>([[ROOT_ID, { path: "", lookups: 1n }]]);

  /** The path of a node the kernel holds; undefined for an id it has forgotten (a protocol error). */
  path(id: bigint): string | undefined {
    return this.live.get(id)?.path;
  }

  /** The number of `path`, whether or not the kernel holds it. */
  idOf(path: string): bigint {
    let id = this.byPath.get(path);
    if (id === undefined) {
      id = this.next++;
      this.byPath.set(path, id);
    }
    return id;
  }

  /** Counts one kernel lookup of `path` (a LOOKUP, MKDIR, CREATE or READDIRPLUS answer) and returns its id. */
  lookup(path: string): bigint {
    const id = this.idOf(path);
    const node = this.live.get(id);
    if (node) node.lookups++;
    else this.live.set(id, { path, lookups: 1n });
    return id;
  }

  /** The kernel drops `count` lookups of `id`; at zero the node leaves the live table. */
  forget(id: bigint, count: bigint): void {
    const node = this.live.get(id);
    if (!node || id === ROOT_ID) return;
    node.lookups -= count;
    if (node.lookups <= 0n) this.live.delete(id);
  }

  /** `from` (and everything under it) is now `to`, keeping its numbers; what `to` was is gone. */
  rename(from: string, to: string): void {
    this.removed(to);
    const prefix = `${from}/`;
    for (const [path, id] of [...this.byPath]) {
      if (path !== from && !path.startsWith(prefix)) continue;
      const moved = to + path.slice(from.length);
      this.byPath.delete(path);
      this.byPath.set(moved, id);
      const node = this.live.get(id);
      if (node) node.path = moved;
    }
  }

  /** `path` no longer names its file: a new file there gets a new number. Open handles keep theirs. */
  removed(path: string): void {
    this.byPath.delete(path);
  }
}
