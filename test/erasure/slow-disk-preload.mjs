/**
 * Loaded with `node --import` into a strata CLI process (long-tail-cli.test.ts, bench/long-tail.ts)
 * to make some local remotes slow disks, at STRATA_TEST_SLOW_BPS bytes per second: files created
 * under the directories in STRATA_TEST_SLOW_WRITE_DIRS are written that slowly, files under those in
 * STRATA_TEST_SLOW_READ_DIRS are read that slowly (lists separated by the path delimiter). Only
 * asynchronous I/O is paced; the local backend reads and writes more than 256 KiB at a time that way.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { delimiter, sep } from "node:path";
import { promisify } from "node:util";

const dirsOf = (name) => (process.env[name] ?? "").split(delimiter).filter(Boolean);
const writeDirs = dirsOf("STRATA_TEST_SLOW_WRITE_DIRS");
const readDirs = dirsOf("STRATA_TEST_SLOW_READ_DIRS");
const under = (dirs, path) => dirs.some((d) => String(path).startsWith(d + sep));
const bps = Number(process.env.STRATA_TEST_SLOW_BPS);
const delay = (bytes) => new Promise((resolve) => setTimeout(resolve, (bytes / bps) * 1000));
const slowFds = new Set();
const { openSync, closeSync, write } = fs;
const { open } = fs.promises;

fs.openSync = (path, ...rest) => {
  const fd = openSync(path, ...rest);
  if (under(writeDirs, path)) slowFds.add(fd);
  return fd;
};

fs.promises.open = async (path, ...rest) => {
  const fh = await open(path, ...rest);
  if (!under(readDirs, path)) return fh;
  const read = fh.read.bind(fh);
  fh.read = async (buffer, offset, length, position) => {
    await delay(length ?? buffer.length);
    return read(buffer, offset, length, position);
  };
  return fh;
};

fs.closeSync = (fd) => {
  slowFds.delete(fd);
  closeSync(fd);
};

/** fs.write, started only once the bytes would have gone through at `bps`. */
function slowWrite(fd, buffer, ...rest) {
  if (!slowFds.has(fd)) return write(fd, buffer, ...rest);
  const length = typeof rest[1] === "number" ? rest[1] : buffer.length;
  setTimeout(() => write(fd, buffer, ...rest), (length / bps) * 1000);
}

// What util.promisify(fs.write) resolves to: { bytesWritten, buffer }.
slowWrite[promisify.custom] = (fd, buffer, ...rest) =>
  new Promise((resolve, reject) =>
    slowWrite(fd, buffer, ...rest, (err, bytesWritten, written) =>
      err ? reject(err) : resolve({ bytesWritten, buffer: written }),
    ),
  );

fs.write = slowWrite;
syncBuiltinESMExports();
