/**
 * Hash types, named as rclone names them, computed with Node's built-in OpenSSL and zlib
 * (several times faster than pure-JS implementations).
 */
import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { Body } from "./types.js";

export const HASH_TYPES = ["md5", "sha1", "sha256", "crc32"] as const;
export type HashType = (typeof HASH_TYPES)[number];

export function isHashType(s: string): s is HashType {
  return (HASH_TYPES as readonly string[]).includes(s);
}

/** Incremental hash; `digest` returns lower-case hex as rclone prints it. */
export interface Hasher {
  update(data: Uint8Array): void;
  digest(): string;
}

class CryptoHasher implements Hasher {
  private readonly h: Hash;
  constructor(algorithm: string) {
    this.h = createHash(algorithm);
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): string {
    return this.h.digest("hex");
  }
}

class Crc32Hasher implements Hasher {
  private value = 0;
  update(data: Uint8Array): void {
    this.value = crc32(data, this.value);
  }
  digest(): string {
    return this.value.toString(16).padStart(8, "0");
  }
}

export function newHasher(type: HashType): Hasher {
  return type === "crc32" ? new Crc32Hasher() : new CryptoHasher(type);
}

/** Several hashes over one pass of the data. */
export class MultiHasher {
  private readonly hashers: Map<HashType, Hasher>;
  size = 0;
  constructor(types: Iterable<HashType>) {
    this.hashers = new Map([...types].map((t) => [t, newHasher(t)]));
  }
  update(data: Uint8Array): void {
    this.size += data.length;
    for (const h of this.hashers.values()) h.update(data);
  }
  /** Digests; call once, after the last update. */
  digests(): Map<HashType, string> {
    return new Map([...this.hashers].map(([t, h]) => [t, h.digest()]));
  }
}

/** Reads a whole body and returns the requested hashes of it. */
export async function hashBody(body: Body, types: Iterable<HashType>): Promise<Map<HashType, string>> {
  const m = new MultiHasher(types);
  for await (const part of body) m.update(part);
  return m.digests();
}

/** A hash of `type` for `data` held in memory. */
export function hashBytes(type: HashType, data: Uint8Array): string {
  const h = newHasher(type);
  h.update(data);
  return h.digest();
}
