/**
 * The FUSE kernel protocol as far as strata speaks it: opcodes, flags, and the byte layout of the
 * structures read from and written to /dev/fuse (linux/fuse.h, protocol 7.31 features and older;
 * all little-endian, fixed offsets).
 */
import type { VfsAttr } from "../types.js";

/** Request opcodes (enum fuse_opcode). */
export const Op = {
  LOOKUP: 1,
  FORGET: 2,
  GETATTR: 3,
  SETATTR: 4,
  MKDIR: 9,
  UNLINK: 10,
  RMDIR: 11,
  RENAME: 12,
  OPEN: 14,
  READ: 15,
  WRITE: 16,
  STATFS: 17,
  RELEASE: 18,
  FSYNC: 20,
  FLUSH: 25,
  INIT: 26,
  OPENDIR: 27,
  READDIR: 28,
  RELEASEDIR: 29,
  FSYNCDIR: 30,
  ACCESS: 34,
  CREATE: 35,
  INTERRUPT: 36,
  DESTROY: 38,
  BATCH_FORGET: 42,
  READDIRPLUS: 44,
  RENAME2: 45,
} as const;

/** Our protocol version: 7.31 has every feature we ask for (max_pages, readdirplus, parallel dirops). */
export const KERNEL_MAJOR = 7;
export const KERNEL_MINOR = 31;

/** INIT flags we may ask for. */
export const InitFlag = {
  ASYNC_READ: 1 << 0,
  ATOMIC_O_TRUNC: 1 << 3,
  BIG_WRITES: 1 << 5,
  AUTO_INVAL_DATA: 1 << 12,
  DO_READDIRPLUS: 1 << 13,
  READDIRPLUS_AUTO: 1 << 14,
  PARALLEL_DIROPS: 1 << 18,
  MAX_PAGES: 1 << 22,
} as const;

/** SETATTR `valid` bits. */
export const SetattrValid = { SIZE: 1 << 3, MTIME: 1 << 5, FH: 1 << 6, MTIME_NOW: 1 << 8 } as const;

/** RENAME2 flags (renameat2). */
export const RENAME_NOREPLACE = 1;

export const IN_HEADER_SIZE = 40;
export const OUT_HEADER_SIZE = 16;
const ATTR_SIZE = 88;
const ENTRY_OUT_SIZE = 40 + ATTR_SIZE;
const DIRENT_HEADER_SIZE = 24;

/** The fixed header of every request. */
export interface RequestHeader {
  length: number;
  opcode: number;
  unique: bigint;
  nodeid: bigint;
  uid: number;
  gid: number;
  pid: number;
}

export function parseHeader(buf: Buffer): RequestHeader {
  return {
    length: buf.readUInt32LE(0),
    opcode: buf.readUInt32LE(4),
    unique: buf.readBigUInt64LE(8),
    nodeid: buf.readBigUInt64LE(16),
    uid: buf.readUInt32LE(24),
    gid: buf.readUInt32LE(28),
    pid: buf.readUInt32LE(32),
  };
}

/** The out header for `unique`, with `error` a negative errno or 0, and the total length. */
export function outHeader(unique: bigint, error: number, payloadLength: number): Buffer {
  const h = Buffer.alloc(OUT_HEADER_SIZE);
  h.writeUInt32LE(OUT_HEADER_SIZE + payloadLength, 0);
  h.writeInt32LE(error, 4);
  h.writeBigUInt64LE(unique, 8);
  return h;
}

/** A NUL-terminated name starting at `offset` of a request body. */
export function cString(buf: Buffer, offset: number): { text: string; end: number } {
  const nul = buf.indexOf(0, offset);
  const end = nul < 0 ? buf.length : nul;
  return { text: buf.toString("utf8", offset, end), end: end + 1 };
}

/** The owner reported for every node (`--uid`, `--gid`). */
export interface Owner {
  uid: number;
  gid: number;
}

function writeAttr(out: Buffer, at: number, ino: bigint, attr: VfsAttr, owner: Owner): void {
  const ms = attr.mtime.getTime();
  const sec = BigInt(Math.floor(ms / 1000));
  const nsec = (ms - Math.floor(ms / 1000) * 1000) * 1_000_000;
  out.writeBigUInt64LE(ino, at);
  out.writeBigUInt64LE(BigInt(attr.size), at + 8);
  out.writeBigUInt64LE(BigInt(Math.ceil(attr.size / 512)), at + 16);
  for (const o of [24, 32, 40]) out.writeBigUInt64LE(sec, at + o); // atime, mtime, ctime
  for (const o of [48, 52, 56]) out.writeUInt32LE(nsec, at + o);
  out.writeUInt32LE(attr.mode, at + 60);
  out.writeUInt32LE(attr.kind === "dir" ? 2 : 1, at + 64); // nlink
  out.writeUInt32LE(owner.uid, at + 68);
  out.writeUInt32LE(owner.gid, at + 72);
  out.writeUInt32LE(0, at + 76); // rdev
  out.writeUInt32LE(4096, at + 80); // blksize
}

/** Seconds and nanoseconds of a cache timeout given in ms. */
function writeValid(out: Buffer, secAt: number, nsecAt: number, ms: number): void {
  out.writeBigUInt64LE(BigInt(Math.floor(ms / 1000)), secAt);
  out.writeUInt32LE((ms % 1000) * 1_000_000, nsecAt);
}

/** fuse_entry_out: the answer to LOOKUP, MKDIR, CREATE, and each READDIRPLUS entry. */
export function entryOut(ino: bigint, attr: VfsAttr, owner: Owner, validMs: number): Buffer {
  const out = Buffer.alloc(ENTRY_OUT_SIZE);
  out.writeBigUInt64LE(ino, 0);
  out.writeBigUInt64LE(0n, 8); // generation: node ids are never reused for another file
  writeValid(out, 16, 32, validMs);
  writeValid(out, 24, 36, validMs);
  writeAttr(out, 40, ino, attr, owner);
  return out;
}

/** fuse_attr_out: the answer to GETATTR and SETATTR. */
export function attrOut(ino: bigint, attr: VfsAttr, owner: Owner, validMs: number): Buffer {
  const out = Buffer.alloc(16 + ATTR_SIZE);
  writeValid(out, 0, 8, validMs);
  writeAttr(out, 16, ino, attr, owner);
  return out;
}

/** fuse_open_out with the handle number and FOPEN_* flags. */
export function openOut(fh: bigint, flags = 0): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(fh, 0);
  out.writeUInt32LE(flags, 8);
  return out;
}

/** fuse_write_out. */
export function writeOut(size: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(size, 0);
  return out;
}

/** fuse_statfs_out (fuse_kstatfs) in 4 KiB blocks. */
export function statfsOut(total: number, free: number): Buffer {
  const bsize = 4096;
  const out = Buffer.alloc(80);
  out.writeBigUInt64LE(BigInt(Math.floor(total / bsize)), 0);
  out.writeBigUInt64LE(BigInt(Math.floor(free / bsize)), 8);
  out.writeBigUInt64LE(BigInt(Math.floor(free / bsize)), 16);
  out.writeBigUInt64LE(1n << 30n, 24); // files: no limit to tell
  out.writeBigUInt64LE(1n << 30n, 32);
  out.writeUInt32LE(bsize, 40);
  out.writeUInt32LE(255, 44); // namelen
  out.writeUInt32LE(bsize, 48); // frsize
  return out;
}

/** fuse_init_out answering the kernel's INIT with the flags it offered that we want. */
export function initOut(kernelFlags: number, maxReadahead: number, maxWrite: number): Buffer {
  const wanted =
    InitFlag.ASYNC_READ |
    InitFlag.ATOMIC_O_TRUNC |
    InitFlag.BIG_WRITES |
    InitFlag.AUTO_INVAL_DATA |
    InitFlag.DO_READDIRPLUS |
    InitFlag.READDIRPLUS_AUTO |
    InitFlag.PARALLEL_DIROPS |
    InitFlag.MAX_PAGES;
  const out = Buffer.alloc(64);
  out.writeUInt32LE(KERNEL_MAJOR, 0);
  out.writeUInt32LE(KERNEL_MINOR, 4);
  out.writeUInt32LE(maxReadahead, 8);
  out.writeUInt32LE((kernelFlags & wanted) >>> 0, 12);
  out.writeUInt16LE(64, 16); // max_background
  out.writeUInt16LE(48, 18); // congestion_threshold
  out.writeUInt32LE(maxWrite, 20);
  // time_gran 1 ns: with 1 ms the kernel would truncate 677.999 ms (float utimes) to 677 before we can round it.
  out.writeUInt32LE(1, 24);
  out.writeUInt16LE(Math.ceil(maxWrite / 4096), 28); // max_pages
  return out;
}

/** st_mode type bits as the dirent `type` field wants them (DT_DIR, DT_REG). */
function direntType(attr: VfsAttr): number {
  return attr.kind === "dir" ? 4 : 8;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** A READDIR entry; `null` when it does not fit in `room` bytes. */
export function dirent(ino: bigint, nextOffset: number, name: string, attr: VfsAttr, room: number): Buffer | null {
  const nameBytes = Buffer.from(name, "utf8");
  const size = align8(DIRENT_HEADER_SIZE + nameBytes.length);
  if (size > room) return null;
  const out = Buffer.alloc(size);
  writeDirent(out, 0, ino, nextOffset, nameBytes, attr);
  return out;
}

/** A READDIRPLUS entry (entry_out then dirent); `entry` is the entry_out to put first. */
export function direntPlus(
  entry: Buffer,
  ino: bigint,
  nextOffset: number,
  name: string,
  attr: VfsAttr,
  room: number,
): Buffer | null {
  const nameBytes = Buffer.from(name, "utf8");
  const size = align8(ENTRY_OUT_SIZE + DIRENT_HEADER_SIZE + nameBytes.length);
  if (size > room) return null;
  const out = Buffer.alloc(size);
  entry.copy(out, 0);
  writeDirent(out, ENTRY_OUT_SIZE, ino, nextOffset, nameBytes, attr);
  return out;
}

function writeDirent(out: Buffer, at: number, ino: bigint, nextOffset: number, name: Buffer, attr: VfsAttr): void {
  out.writeBigUInt64LE(ino, at);
  out.writeBigUInt64LE(BigInt(nextOffset), at + 8);
  out.writeUInt32LE(name.length, at + 16);
  out.writeUInt32LE(direntType(attr), at + 20);
  name.copy(out, at + DIRENT_HEADER_SIZE);
}

/** The empty entry_out READDIRPLUS gives "." and "..": node id 0 tells the kernel not to count a lookup. */
export const NO_ENTRY = Buffer.alloc(ENTRY_OUT_SIZE);
