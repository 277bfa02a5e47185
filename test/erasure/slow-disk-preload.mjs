/**
 * Loaded with `node --import` into a strata CLI process by long-tail-cli.test.ts, to make some local
 * remotes slow disks: files created under the directories in STRATA_TEST_SLOW_DIRS (separated by
 * the path delimiter) are written at STRATA_TEST_SLOW_BPS bytes per second. Only asynchronous
 * writes are paced; the local backend writes pieces larger than 256 KiB that way.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { delimiter, sep } from "node:path";
import { promisify } from "node:util";

const dirs = (process.env.STRATA_TEST_SLOW_DIRS ?? "").split(delimiter).filter(Boolean);
const bps = Number(process.env.STRATA_TEST_SLOW_BPS);
const slowFds = new Set();
const { openSync, closeSync, write } = fs;

fs.openSync = (path, ...rest) => {
  const fd = openSync(path, ...rest);
  if (dirs.some((d) => String(path).startsWith(d + sep))) slowFds.add(fd);
  return fd;
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
