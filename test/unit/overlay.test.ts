/**
 * The overlay base and the one capability override: masking by the wrapped Fs, typed access to its
 * optional operations, the identity rule of server-side operations, `disable` per remote and globally.
 */
import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { disableFeatures, featureKey, fillFeatures, requireOp } from "../../src/fs/features.js";
import { remoteBelow } from "../../src/fs/fspath.js";
import { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { baseOf, isWrapping, OverlayFs, sameConfig } from "../../src/fs/overlay.js";
import type { Entry, Fs, FsObject } from "../../src/fs/types.js";

const T0 = new Date(Date.UTC(2024, 0, 2));

/** A do-nothing overlay: implements putStream and cleanUp, forwards purge, provides cleanUp. */
class Probe extends OverlayFs {
  readonly hashes = new Set<never>();
  constructor(inner: Fs, acrossConfigs = false) {
    super(":probe", "", inner, { provides: ["cleanUp"], forwards: ["purge"] }, acrossConfigs);
  }
  toString(): string {
    return "probe";
  }
  async list(): Promise<Entry[]> {
    return [];
  }
  async newObject(): Promise<FsObject> {
    throw new Error("unused");
  }
  async put(): Promise<FsObject> {
    throw new Error("unused");
  }
  async mkdir(): Promise<void> {}
  async rmdir(): Promise<void> {}
  async putStream(): Promise<FsObject> {
    throw new Error("unused");
  }
  async cleanUp(): Promise<void> {}
}

const memory = (disable = "") =>
  newFs(`:memory${disable ? `,disable="${disable}"` : ""}:overlay-test-${Math.random()}`, createContext());

describe("OverlayFs", () => {
  it("offers what it implements or forwards only while the wrapped Fs has it, unless it provides it", async () => {
    const full = new Probe(await memory());
    expect(Object.keys(full.features).filter((k) => typeof (full.features as never)[k] === "function")).toEqual(
      expect.arrayContaining(["purge", "putStream", "cleanUp"]),
    );
    // Not implemented, so off although the wrapped memory remote has them.
    expect(full.features.copy).toBeUndefined();
    expect(full.features.about).toBeUndefined();
    const bare = new Probe(await memory("PutStream,Purge,CleanUp"));
    expect(bare.features.putStream).toBeUndefined();
    expect(bare.features.purge).toBeUndefined();
    expect(typeof bare.features.cleanUp).toBe("function");
  });

  it("unwraps to what it wraps and on down to the backend", async () => {
    const inner = await memory();
    const probe = new Probe(inner);
    expect(probe.unwrap()).toBe(inner);
    expect(isWrapping(probe)).toBe(true);
    expect(isWrapping(baseOf(probe))).toBe(false);
    expect(baseOf(probe).name).toBe(":memory");
  });

  it("takes sources over the same config, or any config once allowed", async () => {
    const a = await memory();
    const b = await newFs(":local:/tmp", createContext());
    expect(sameConfig(a, new PathGuardFs(a))).toBe(true);
    expect(new Probe(a).takes(new PathGuardFs(new Probe(a)))).toBe(true);
    expect(new Probe(a).takes(new Probe(b))).toBe(false);
    expect(new Probe(a, true).takes(new Probe(b))).toBe(true);
    expect(new Probe(a).takes(a)).toBe(false);
  });
});

describe("requireOp", () => {
  it("throws rclone's Cant* sentinels or NotImplemented instead of a TypeError", async () => {
    const fs = await memory("Copy,Move,DirMove,About");
    const codes = (["copy", "move", "dirMove", "about"] as const).map((op) => {
      try {
        requireOp(fs, op);
        return "none";
      } catch (err) {
        return isFsError(err) ? err.code : String(err);
      }
    });
    expect(codes).toEqual(["CantCopy", "CantMove", "CantDirMove", "NotImplemented"]);
    expect(typeof requireOp(fs, "purge")).toBe("function");
  });
});

describe("disableFeatures", () => {
  it("takes rclone's names and ours in any case, switches facts off and ignores unknown names", () => {
    const f = fillFeatures({ copy: async () => undefined as never, purge: async () => undefined });
    const off = disableFeatures(f, ["COPY", "CanHaveEmptyDirectories", "bogus"]);
    expect(off.copy).toBeUndefined();
    expect(typeof off.purge).toBe("function");
    expect(off.canHaveEmptyDirs).toBe(false);
    expect(featureKey("putstream")).toBe("putStream");
    expect(featureKey("nope")).toBeUndefined();
  });

  it("applies a remote's own disable option to that remote alone, and the context's to every remote", async () => {
    const ctx = createContext();
    const off = await newFs(':memory,disable="Copy,PutStream":one', ctx);
    const on = await newFs(":memory:two", ctx);
    expect([off.features.copy, off.features.putStream]).toEqual([undefined, undefined]);
    expect(typeof on.features.copy).toBe("function");
    const all = createContext(undefined, undefined, undefined, ["move"]);
    expect((await newFs(":memory:three", all)).features.move).toBeUndefined();
    // The wrapped remote's put still works with its streaming switched off.
    await off.put(fromBytes(new Uint8Array(3)), { remote: "f", size: 3, modTime: T0 });
  });
});

describe("remoteBelow", () => {
  it("joins a remote string and a path", () => {
    expect(remoteBelow("s3:bucket", "a/b")).toBe("s3:bucket/a/b");
    expect(remoteBelow("name:", "a")).toBe("name:a");
    expect(remoteBelow("/tmp/", "a")).toBe("/tmp/a");
    expect(remoteBelow("name:dir", "")).toBe("name:dir");
  });
});
