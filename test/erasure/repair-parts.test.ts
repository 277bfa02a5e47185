/** The repair daemon's parts alone: --bwlimit values, the metrics endpoint, leftover tracking, the throttle layer. */
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/fs/accounting/bwlimit.js";
import { parseBwLimit } from "../../src/fs/accounting/bwlimit-flag.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { ThrottleFs } from "../../src/fs/layers/throttle.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { LeftoverTracker } from "../../src/overlays/erasure/repair/leftovers.js";
import { RepairMetrics } from "../../src/overlays/erasure/repair/metrics.js";
import { parseListenAddress, serveMetrics } from "../../src/overlays/erasure/repair/metrics-server.js";
import type { TempShard } from "../../src/overlays/erasure/scan.js";

describe("parseBwLimit", () => {
  it("reads one rate for reads and writes together, UP:DOWN apart, off as none", () => {
    const both = parseBwLimit("1M");
    expect(both.read).toBeInstanceOf(TokenBucket);
    expect(both.read).toBe(both.write);
    const apart = parseBwLimit("10M:100k");
    expect(apart.write).toBeInstanceOf(TokenBucket);
    expect(apart.read).toBeInstanceOf(TokenBucket);
    expect(apart.read).not.toBe(apart.write);
    expect(parseBwLimit("off")).toEqual({ read: undefined, write: undefined });
    expect(parseBwLimit("off:1M").write).toBeUndefined();
  });

  it("refuses timetables and nonsense with Usage", () => {
    for (const bad of ["08:00,512k 12:00,10M", "1M:2M:3M", "fast"]) {
      expect(() => parseBwLimit(bad), bad).toThrow(expect.objectContaining({ code: "Usage" }));
    }
  });
});

describe("parseListenAddress", () => {
  it("takes host:port, [v6]:port and :port", () => {
    expect(parseListenAddress("127.0.0.1:9100")).toEqual({ host: "127.0.0.1", port: 9100 });
    expect(parseListenAddress("[::1]:80")).toEqual({ host: "::1", port: 80 });
    expect(parseListenAddress(":0")).toEqual({ host: undefined, port: 0 });
    for (const bad of ["9100", "host:", "h:70000"]) {
      let err: unknown;
      try {
        parseListenAddress(bad);
      } catch (e) {
        err = e;
      }
      expect(isFsError(err, "Usage"), bad).toBe(true);
    }
  });
});

describe("metrics endpoint", () => {
  it("serves every strata_erasure_ name at /metrics and 404 elsewhere", async () => {
    const metrics = new RepairMetrics(["a:", "b:"]);
    metrics.sweepDone({
      files: { healthy: 3, degraded: 2, at_risk: 1, unreadable: 0 },
      upstreams: [
        { upstream: "a:", reachable: true, shards: 6, bytes: 600 },
        { upstream: "b:", reachable: false, shards: 0, bytes: 0 },
      ],
      durationMs: 1500,
      endedAt: new Date(1_700_000_000_000),
    });
    metrics.repaired(2, 2048);
    metrics.remoteError("b:");
    metrics.queueLength(3);
    const server = await serveMetrics(metrics.registry, "127.0.0.1:0");
    try {
      const base = `http://127.0.0.1:${server.address.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      for (const line of [
        'strata_erasure_files{state="degraded"} 2',
        'strata_erasure_files{state="at_risk"} 1',
        'strata_erasure_files{state="unreadable"} 0',
        'strata_erasure_shards{upstream="a:"} 6',
        'strata_erasure_shard_bytes{upstream="a:"} 600',
        'strata_erasure_upstream_up{upstream="b:"} 0',
        "strata_erasure_repaired_files_total 1",
        "strata_erasure_repaired_shards_total 2",
        "strata_erasure_repaired_bytes_total 2048",
        "strata_erasure_repair_queue_length 3",
        "strata_erasure_sweep_duration_seconds 1.5",
        "strata_erasure_last_sweep_timestamp_seconds 1700000000",
        'strata_erasure_remote_errors_total{upstream="a:"} 0',
        'strata_erasure_remote_errors_total{upstream="b:"} 1',
      ]) {
        expect(text).toContain(`${line}\n`);
      }
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("fails to start on an address already taken", async () => {
    const metrics = new RepairMetrics([]);
    const first = await serveMetrics(metrics.registry, "127.0.0.1:0");
    try {
      await expect(serveMetrics(metrics.registry, `127.0.0.1:${first.address.port}`)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe("LeftoverTracker", () => {
  const temp = (remote: string, size: number, upstream = 0) =>
    ({ remote, upstream, obj: { remote: `${remote}.tmp`, size, modTime: new Date(5000) } }) as unknown as TempShard;

  it("calls a temporary shard stale when the previous sweep saw it unchanged", () => {
    const t = new LeftoverTracker();
    expect(t.stale(temp("a", 10))).toBe(false);
    expect(t.stale(temp("b", 10))).toBe(false);
    t.endSweep();
    expect(t.stale(temp("a", 10))).toBe(true);
    // b grew: still being written.
    expect(t.stale(temp("b", 20))).toBe(false);
    // The same name on another upstream is another object.
    expect(t.stale(temp("a", 10, 1))).toBe(false);
    t.endSweep();
    expect(t.stale(temp("b", 20))).toBe(true);
    t.endSweep();
    t.endSweep();
    // Not seen by the sweep in between: starts over.
    expect(t.stale(temp("b", 20))).toBe(false);
  });
});

describe("ThrottleFs", () => {
  it("passes reads and writes through the buckets, bytes unchanged", async () => {
    const inner = await newFs(":memory:", createContext());
    const bucket = new TokenBucket(64 * 1024);
    const fs = new ThrottleFs(inner, { read: bucket, write: bucket });
    const data = new Uint8Array(96 * 1024).map((_, i) => i % 251);
    const started = Date.now();
    const obj = await fs.put(fromBytes(data), { remote: "f", size: data.length, modTime: new Date() });
    const back = await toBytes(await obj.open());
    // 192 KiB through a 64 KiB/s bucket that starts full: the second waits 1.5 s. Generous upper bound.
    const seconds = (Date.now() - started) / 1000;
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    expect(seconds).toBeGreaterThan(1.2);
    expect(seconds).toBeLessThan(10);
  });
});
