/**
 * WebDAV write locks (class 2), kept in memory: enough for clients that insist on locking before
 * they write (davfs2, macOS Finder, Office). They last until unlocked, timed out, or the server stops.
 */
import { randomUUID } from "node:crypto";

export interface Lock {
  /** `opaquelocktoken:<uuid>`. */
  token: string;
  /** The locked path; with depth infinity everything under it too. */
  root: string;
  infinite: boolean;
  scope: "exclusive" | "shared";
  owner: string;
  timeoutSeconds: number;
  expiresAt: number;
}

/** Longest lock granted, whatever the client asks (`Timeout: Infinite` included). */
const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** `Timeout: Second-600, Infinite` → 600 (the first the server takes), capped; 3600 when absent. */
export function parseTimeout(header: string | undefined): number {
  const first = (header ?? "").split(",")[0]?.trim() ?? "";
  const m = /^Second-(\d+)$/i.exec(first);
  if (m) return Math.min(Math.max(1, Number(m[1])), MAX_TIMEOUT_SECONDS);
  return /^Infinite$/i.test(first) ? MAX_TIMEOUT_SECONDS : 3600;
}

/** The lock tokens named in an `If` header (or a `Lock-Token` header). */
export function tokensIn(header: string | undefined): string[] {
  return [...(header ?? "").matchAll(/<(opaquelocktoken:[^>]+)>/g)].map((m) => m[1] as string);
}

const covers = (lock: Lock, remote: string) =>
  lock.root === remote || (lock.infinite && (lock.root === "" || remote.startsWith(`${lock.root}/`)));

/** Whether `lock` is on `dir` or under it. */
const under = (lock: Lock, dir: string) => dir === "" || lock.root === dir || lock.root.startsWith(`${dir}/`);

export class LockTable {
  private readonly locks = new Map<string, Lock>();

  private live(): Lock[] {
    const now = Date.now();
    for (const [token, lock] of this.locks) if (lock.expiresAt <= now) this.locks.delete(token);
    return [...this.locks.values()];
  }

  /** The locks that cover `remote` (on it, or on an ancestor with depth infinity). */
  on(remote: string): Lock[] {
    return this.live().filter((l) => covers(l, remote));
  }

  /**
   * Whether a request holding `tokens` may change `remote`, and with `subtree` anything under it
   * (DELETE or MOVE of a directory): no lock it lacks the token of covers what it changes.
   */
  mayWrite(remote: string, tokens: readonly string[], subtree = false): boolean {
    return this.live().every((l) => tokens.includes(l.token) || !(covers(l, remote) || (subtree && under(l, remote))));
  }

  /**
   * Grants a new lock, or undefined when it conflicts with a lock held (an exclusive lock with any
   * other, a shared one with an exclusive one) on the path, an ancestor, or, for depth infinity, under it.
   */
  grant(
    remote: string,
    infinite: boolean,
    scope: Lock["scope"],
    owner: string,
    timeoutSeconds: number,
  ): Lock | undefined {
    const clash = this.live().some(
      (l) =>
        (scope === "exclusive" || l.scope === "exclusive") && (covers(l, remote) || (infinite && under(l, remote))),
    );
    if (clash) return undefined;
    const lock: Lock = {
      token: `opaquelocktoken:${randomUUID()}`,
      root: remote,
      infinite,
      scope,
      owner,
      timeoutSeconds,
      expiresAt: Date.now() + timeoutSeconds * 1000,
    };
    this.locks.set(lock.token, lock);
    return lock;
  }

  /** Extends the lock of `token` that covers `remote`; undefined when there is none. */
  refresh(remote: string, token: string, timeoutSeconds: number): Lock | undefined {
    const lock = this.live().find((l) => l.token === token && covers(l, remote));
    if (!lock) return undefined;
    lock.timeoutSeconds = timeoutSeconds;
    lock.expiresAt = Date.now() + timeoutSeconds * 1000;
    return lock;
  }

  /** Removes the lock of `token` covering `remote`; false when there is none. */
  release(remote: string, token: string): boolean {
    const lock = this.live().find((l) => l.token === token && covers(l, remote));
    return lock !== undefined && this.locks.delete(lock.token);
  }
}
