/** Connection strings for the webdav backend against a test server. */
import { randomBytes } from "node:crypto";
import { quoteValue } from "../../src/fs/fspath.js";
import { obscure } from "../../src/fs/obscure.js";

export interface DavServer {
  readonly url: string;
  readonly user: string;
  readonly pass: string;
}

/** `:webdav,url=…,vendor=…,user=…,pass=<obscured>:root` for `server`; `pass` overrides the right password. */
export function webdavRemote(server: DavServer, root: string, extra: { vendor?: string; pass?: string } = {}): string {
  const pass = obscure(extra.pass ?? server.pass);
  return `:webdav,url=${quoteValue(server.url)},vendor=${extra.vendor ?? "other"},user=${quoteValue(server.user)},pass=${quoteValue(pass)}:${root}`;
}

/** A new random directory name for one Fs's root. */
export const randomRoot = (prefix = "conf") => `${prefix}-${randomBytes(6).toString("hex")}`;
