/**
 * One SFTP v3 session over an `Fs`: each request of the protocol mapped onto the `Fs` operations.
 * Requests on one handle run one at a time in the order they came (clients pipeline READs and
 * WRITEs at increasing offsets); requests on different handles run concurrently.
 */
import type { Attributes, SFTPWrapper } from "ssh2";
import { FsError, isFsError } from "../../fs/errors.js";
import { moveFile } from "../../fs/operations/copy.js";
import type { Entry } from "../../fs/types.js";
import type { ServeContext } from "../context.js";
import { entryAt } from "../fs-entry.js";
import { attrsOf, longName } from "./attrs.js";
import { RangedDownload } from "./download.js";
import { remoteOf, sftpPathOf } from "./paths.js";
import { ssh2Module } from "./ssh2-module.js";
import { SequentialUpload } from "./upload.js";

// ssh2 is CommonJS: its `utils` is not a named export Node can import.
const { OPEN_MODE, STATUS_CODE } = ssh2Module().utils.sftp;

type Handle =
  | { kind: "read"; download: RangedDownload; chain: Promise<unknown> }
  | { kind: "write"; upload: SequentialUpload; mtime?: Date; chain: Promise<unknown> }
  | { kind: "dir"; entries: Entry[] | undefined; chain: Promise<unknown> };

/** The SFTP status code and message for an error thrown by an `Fs` operation. */
export function statusOf(err: unknown): { code: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (isFsError(err, "ObjectNotFound", "DirNotFound")) return { code: STATUS_CODE.NO_SUCH_FILE, message };
  if (isFsError(err, "PermissionDenied", "PathEscape", "AuthFailed")) {
    return { code: STATUS_CODE.PERMISSION_DENIED, message };
  }
  if (isFsError(err, "NotImplemented", "CantMove", "CantDirMove")) return { code: STATUS_CODE.OP_UNSUPPORTED, message };
  return { code: STATUS_CODE.FAILURE, message };
}

const readOnlyError = () => new FsError("PermissionDenied", "the server is read-only");

const STATUS_NAMES = Object.fromEntries(Object.entries(STATUS_CODE).map(([name, code]) => [code, name]));

/** Serves the requests of `sftp` from `ctx.fs` until the channel closes. */
export function serveSftpSession(sftp: SFTPWrapper, ctx: ServeContext): void {
  const { fs } = ctx;
  const readOnly = ctx.options.readOnly;
  const handles = new Map<number, Handle>();
  let nextHandle = 0;

  const newHandle = (handle: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const handleOf = (buf: Buffer): [number, Handle] | undefined => {
    if (buf.length !== 4) return undefined;
    const id = buf.readUInt32BE(0);
    const handle = handles.get(id);
    return handle ? [id, handle] : undefined;
  };
  /** Answers OK when `run` ends without answering, else the error's status; counts the request. */
  const settle = (op: string, reqId: number, run: Promise<unknown>) => {
    run.then(
      (r) => {
        if (r !== "answered") sftp.status(reqId, STATUS_CODE.OK);
        ctx.metrics.request(op, "OK");
      },
      (err) => {
        const { code, message } = statusOf(err);
        sftp.status(reqId, code, message);
        ctx.metrics.request(op, STATUS_NAMES[code] ?? code);
      },
    );
  };
  const answer = (op: string, reqId: number, work: () => Promise<unknown>) => settle(op, reqId, work());
  /** Like `answer`, queued behind the handle's earlier requests. */
  const onHandle = (op: string, reqId: number, buf: Buffer, work: (handle: Handle, id: number) => Promise<unknown>) => {
    const found = handleOf(buf);
    if (!found) return settle(op, reqId, Promise.reject(new FsError("Other", "invalid handle")));
    const [id, handle] = found;
    const run = handle.chain.then(() => work(handle, id));
    handle.chain = run.catch(() => undefined);
    settle(op, reqId, run);
  };
  const writable = () => {
    if (readOnly) throw readOnlyError();
  };

  sftp.on("OPEN", (reqId, filename, flags) => {
    answer("OPEN", reqId, async () => {
      const remote = remoteOf(filename);
      if (!(flags & OPEN_MODE.WRITE)) {
        const object = await fs.newObject(remote);
        sftp.handle(
          reqId,
          newHandle({ kind: "read", download: new RangedDownload(ctx, object), chain: Promise.resolve() }),
        );
        return "answered";
      }
      writable();
      if (flags & (OPEN_MODE.READ | OPEN_MODE.APPEND)) {
        throw new FsError("NotImplemented", "files open for writing are written whole: no reading or appending");
      }
      if (!(flags & OPEN_MODE.CREAT) || flags & OPEN_MODE.EXCL) {
        const exists = await entryAt(fs, remote).then(
          () => true,
          (err) => (isFsError(err, "ObjectNotFound") ? false : Promise.reject(err)),
        );
        if (exists && flags & OPEN_MODE.EXCL) throw new FsError("AlreadyExists", "file exists", { path: remote });
        if (!exists && !(flags & OPEN_MODE.CREAT))
          throw new FsError("ObjectNotFound", "no such file", { path: remote });
      }
      const upload = new SequentialUpload(ctx, remote);
      sftp.handle(reqId, newHandle({ kind: "write", upload, chain: Promise.resolve() }));
      return "answered";
    });
  });

  sftp.on("READ", (reqId, buf, offset, length) => {
    onHandle("READ", reqId, buf, async (handle) => {
      if (handle.kind !== "read") throw new FsError("Other", "handle not open for reading");
      const data = await handle.download.read(offset, length);
      if (data.length === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, Buffer.from(data.buffer, data.byteOffset, data.length));
      return "answered";
    });
  });

  sftp.on("WRITE", (reqId, buf, offset, data) => {
    // The packet's buffer is not ours to keep beyond this call.
    const copy = Buffer.from(data);
    onHandle("WRITE", reqId, buf, async (handle) => {
      if (handle.kind !== "write") throw new FsError("Other", "handle not open for writing");
      await handle.upload.write(offset, copy);
    });
  });

  sftp.on("CLOSE", (reqId, buf) => {
    onHandle("CLOSE", reqId, buf, async (handle, id) => {
      handles.delete(id);
      if (handle.kind === "read") await handle.download.close();
      if (handle.kind !== "write") return;
      const object = await handle.upload.close();
      if (handle.mtime) await object.setModTime(handle.mtime);
    });
  });

  sftp.on("FSTAT", (reqId, buf) => {
    onHandle("FSTAT", reqId, buf, async (handle) => {
      if (handle.kind === "dir") throw new FsError("Other", "handle is a directory");
      const attrs =
        handle.kind === "read"
          ? attrsOf(handle.download.object)
          : { ...attrsOf({ kind: "dir", remote: "", modTime: new Date() }), mode: 0o100644, size: handle.upload.size };
      sftp.attrs(reqId, attrs);
      return "answered";
    });
  });

  sftp.on("FSETSTAT", (reqId, buf, attrs) => {
    onHandle("FSETSTAT", reqId, buf, async (handle) => {
      writable();
      const mtime = mtimeOf(attrs);
      if (handle.kind === "write") handle.mtime = mtime ?? handle.mtime;
      else if (handle.kind === "read" && mtime) await handle.download.object.setModTime(mtime);
    });
  });

  sftp.on("SETSTAT", (reqId, path, attrs) => {
    answer("SETSTAT", reqId, async () => {
      writable();
      const entry = await entryAt(fs, remoteOf(path));
      if (entry.kind === "file" && attrs.size !== undefined && attrs.size !== entry.size) {
        throw new FsError("NotImplemented", "files cannot be truncated in place", { path: entry.remote });
      }
      const mtime = mtimeOf(attrs);
      // A directory's modtime is what its listing says; setting it is accepted and has no effect.
      if (entry.kind === "file" && mtime) await entry.setModTime(mtime);
    });
  });

  const stat = (reqId: number, path: string) =>
    answer("STAT", reqId, async () => {
      sftp.attrs(reqId, attrsOf(await entryAt(fs, remoteOf(path))));
      return "answered";
    });
  sftp.on("STAT", stat);
  sftp.on("LSTAT", stat);

  sftp.on("OPENDIR", (reqId, path) => {
    answer("OPENDIR", reqId, async () => {
      const remote = remoteOf(path);
      const entries = await fs.list(remote);
      sftp.handle(reqId, newHandle({ kind: "dir", entries, chain: Promise.resolve() }));
      return "answered";
    });
  });

  sftp.on("READDIR", (reqId, buf) => {
    onHandle("READDIR", reqId, buf, async (handle) => {
      if (handle.kind !== "dir") throw new FsError("Other", "handle is not a directory");
      const entries = handle.entries;
      handle.entries = undefined;
      if (!entries || entries.length === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else {
        const now = Date.now();
        const names = entries.map((e) => ({
          filename: e.remote.slice(e.remote.lastIndexOf("/") + 1),
          longname: longName(e, now),
          attrs: attrsOf(e),
        }));
        sftp.name(reqId, names);
      }
      return "answered";
    });
  });

  sftp.on("REALPATH", (reqId, path) => {
    const name = sftpPathOf(remoteOf(path));
    sftp.name(reqId, [
      { filename: name, longname: name, attrs: attrsOf({ kind: "dir", remote: "", modTime: new Date(0) }) },
    ]);
  });

  sftp.on("REMOVE", (reqId, path) => {
    answer("REMOVE", reqId, async () => {
      writable();
      await (await fs.newObject(remoteOf(path))).remove();
    });
  });

  sftp.on("MKDIR", (reqId, path) => {
    answer("MKDIR", reqId, async () => {
      writable();
      await fs.mkdir(remoteOf(path));
    });
  });

  sftp.on("RMDIR", (reqId, path) => {
    answer("RMDIR", reqId, async () => {
      writable();
      await fs.rmdir(remoteOf(path));
    });
  });

  sftp.on("RENAME", (reqId, oldPath, newPath) => {
    answer("RENAME", reqId, async () => {
      writable();
      const [from, to] = [remoteOf(oldPath), remoteOf(newPath)];
      const entry = await entryAt(fs, from);
      if (entry.kind === "file") await moveFile(entry, fs, to);
      else if (fs.features.dirMove) await fs.features.dirMove(fs, from, to);
      else throw new FsError("NotImplemented", "the remote cannot rename directories", { path: from });
    });
  });

  for (const unsupported of ["READLINK", "SYMLINK"] as const) {
    sftp.on(unsupported, (reqId: number) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, "no links on this server"));
  }
  sftp.on("EXTENDED", (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, "no extensions on this server"));

  // The client's EOF ends the session, as it ends OpenSSH's sftp-server; the client waits for our side to close.
  sftp.on("end", () => sftp.end());
  sftp.on("close", () => {
    for (const handle of handles.values()) {
      if (handle.kind === "write")
        handle.upload.abort(new FsError("Other", "the client closed the session mid-upload"));
      if (handle.kind === "read") void handle.download.close(new FsError("Other", "the client closed the session"));
    }
    handles.clear();
  });
}

function mtimeOf(attrs: Attributes): Date | undefined {
  return typeof attrs.mtime === "number" ? new Date(attrs.mtime * 1000) : undefined;
}
