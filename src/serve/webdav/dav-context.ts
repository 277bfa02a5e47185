/** What the WebDAV methods share: the server's context and its lock table. */
import type { ServeContext } from "../context.js";
import type { LockTable } from "./locks.js";

export interface DavContext extends ServeContext {
  locks: LockTable;
}
