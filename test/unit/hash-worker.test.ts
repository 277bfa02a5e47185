import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { streamHasher, WORKER_HASH_THRESHOLD } from "../../src/fs/hash-worker.js";
import { HASH_TYPES, hashBytes } from "../../src/fs/hashes.js";

describe("streamHasher", () => {
  const data = randomBytes(WORKER_HASH_THRESHOLD + 3 * 1024 * 1024 + 17);

  it.each(HASH_TYPES)("%s in a worker equals the in-thread hash, whatever the chunking", async (type) => {
    // Chunks smaller than, equal to and larger than a ring slot (2 MiB), so slots are filled from
    // several chunks, split across slots and reused.
    for (const chunk of [4096, 1 << 20, 2 << 20, 3 * (1 << 20) + 5]) {
      const h = streamHasher(type, data.length);
      for (let at = 0; at < data.length; at += chunk) await h.update(data.subarray(at, at + chunk));
      expect(await h.digest()).toBe(hashBytes(type, data));
    }
  });

  it("several at once each get their own digest", async () => {
    const inputs = [data, data.subarray(1), data.subarray(2)];
    const digests = await Promise.all(
      inputs.map(async (d) => {
        const h = streamHasher("md5", -1);
        await h.update(d);
        return h.digest();
      }),
    );
    expect(digests).toEqual(inputs.map((d) => hashBytes("md5", d)));
  });

  it("small streams hash in-thread", async () => {
    const h = streamHasher("sha1", 10);
    expect(h.update(Buffer.from("0123456789"))).toBeUndefined();
    expect(await h.digest()).toBe(hashBytes("sha1", Buffer.from("0123456789")));
  });

  it.each([
    ["in a worker", WORKER_HASH_THRESHOLD],
    ["in-thread", 10],
  ])("digest asked twice (%s) answers the same, and the worker serves the next hasher", async (_where, size) => {
    const h = streamHasher("md5", size);
    await h.update(data.subarray(0, 10));
    const first = await h.digest();
    expect(await h.digest()).toBe(first);
    const next = streamHasher("md5", size);
    await next.update(data.subarray(0, 20));
    expect(await next.digest()).toBe(hashBytes("md5", data.subarray(0, 20)));
  });
});
