/**
 * The server's host keys: the `--key` files, or, without any, one ed25519 key generated on first
 * use into the cache directory and reused, so clients see the same host key on every start (as
 * rclone keeps its generated keys in its cache directory).
 */
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { FsError } from "../../fs/errors.js";
import { ssh2Module } from "./ssh2-module.js";

/** Where a generated host key is kept: `$XDG_CACHE_HOME/strata/serve-sftp/`, else `~/.cache/...`. */
export function hostKeyCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "strata", "serve-sftp");
}

/**
 * The private host keys to serve with: each of `files`, or the cached generated key.
 * Throws `ConfigInvalid` for a file that cannot be read or parsed as a private key.
 */
export async function loadHostKeys(files: readonly string[], cacheDir = hostKeyCacheDir()): Promise<Buffer[]> {
  if (files.length > 0) return Promise.all(files.map(readPrivateKey));
  const file = join(cacheDir, "id_ed25519");
  const cached = await access(file).then(
    () => true,
    () => false,
  );
  if (cached) return [await readPrivateKey(file)];
  const pair = ssh2Module().utils.generateKeyPairSync("ed25519", { comment: "strata serve sftp" });
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await writeFile(file, pair.private, { mode: 0o600 });
  await writeFile(`${file}.pub`, `${pair.public}\n`);
  return [Buffer.from(pair.private)];
}

async function readPrivateKey(file: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new FsError("ConfigInvalid", `cannot read host key: ${(err as Error).message}`, { path: file, cause: err });
  }
  const parsed = ssh2Module().utils.parseKey(data);
  if (parsed instanceof Error || !(Array.isArray(parsed) ? parsed[0] : parsed)?.isPrivateKey()) {
    throw new FsError("ConfigInvalid", "not a private key without a passphrase", { path: file });
  }
  return data;
}
