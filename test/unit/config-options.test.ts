import { describe, expect, it } from "vitest";
import { validateOptions } from "../../src/fs/options.js";
import { defineDescriptor } from "../../src/fs/registry.js";

/** A descriptor with one option of each kind validateOptions treats differently. */
const d = defineDescriptor({
  name: "sample",
  kind: "overlay",
  description: "options of every kind",
  options: {
    type: "object",
    properties: {
      remote: { type: "string", description: "a path" },
      size: { type: "integer", size: true, default: 1024, description: "a size" },
      wait: { type: "number", duration: true, default: 1000, description: "a duration" },
      flag: { type: "boolean", default: false, description: "a flag" },
      count: { type: "integer", default: 1, description: "a count" },
      ratio: { type: "number", default: 0.5, description: "a ratio" },
      upstreams: { type: "string", list: true, default: "", description: "a list of remotes" },
    },
    additionalProperties: false,
  },
  create: async () => {
    throw new Error("not used");
  },
});

const where = 'config file "c.json5": remote "s"';
const check = (raw: Record<string, unknown>) => validateOptions(d, { type: "sample", ...raw }, where);
const refused = async (raw: Record<string, unknown>) => {
  const err = await check(raw).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: "ConfigInvalid" });
  return (err as Error).message;
};

describe("validateOptions: strings in rclone's forms are parsed", () => {
  it("sizes, durations, integers, numbers", async () => {
    expect(await check({ size: "10M", wait: "1m30s", count: "5", ratio: "0.25" })).toMatchObject({
      size: 10 * 1024 * 1024,
      wait: 90_000,
      count: 5,
      ratio: 0.25,
    });
  });

  it("booleans in every spelling rclone (Go) accepts", async () => {
    for (const yes of ["1", "t", "T", "true", "TRUE", "True"]) expect((await check({ flag: yes })).flag).toBe(true);
    for (const no of ["0", "f", "F", "false", "FALSE", "False"]) expect((await check({ flag: no })).flag).toBe(false);
  });

  it("a string that is not of the option's type is refused naming the key and the value", async () => {
    expect(await refused({ flag: "yes" })).toBe(`${where}: option "flag" expected a boolean, found "yes"`);
    expect(await refused({ count: "5.5" })).toContain('option "count" expected an integer, found "5.5"');
    expect(await refused({ size: "big" })).toContain('option "size" expected a size (e.g. 100M), found "big"');
  });
});

describe("validateOptions: JSON5 values must already have the option's type", () => {
  it("takes typed values as they are", async () => {
    expect(await check({ size: 3, wait: 50, flag: true, count: 2, ratio: 1, remote: "a:" })).toMatchObject({
      size: 3,
      wait: 50,
      flag: true,
      count: 2,
      ratio: 1,
      remote: "a:",
    });
  });

  it("refuses a boolean for a size and a number for a path, naming the key", async () => {
    expect(await refused({ size: true })).toBe(
      `${where}: option "size" expected a size (e.g. 100M, or a number of bytes), found true`,
    );
    expect(await refused({ remote: 5 })).toBe(`${where}: option "remote" expected a string, found 5`);
    expect(await refused({ flag: 1 })).toContain('option "flag" expected a boolean, found 1');
    expect(await refused({ count: 1.5 })).toContain('option "count" expected an integer, found 1.5');
    expect(await refused({ remote: ["a:", "b:"] })).toContain('option "remote" expected a string');
  });
});

describe("validateOptions: list options", () => {
  it("take an array of strings, joined as the space-separated string with rclone's quoting", async () => {
    const { upstreams } = await check({ upstreams: ["a:", "my remote:dir", 'q"uote:', "b:x;y", ""] });
    expect(upstreams).toBe('a: "my remote:dir" "q""uote:" "b:x;y" ""');
  });

  it("take the string form unchanged", async () => {
    expect((await check({ upstreams: 'a: "my remote:dir"' })).upstreams).toBe('a: "my remote:dir"');
  });

  it("refuse an array holding anything but strings, naming the key", async () => {
    expect(await refused({ upstreams: ["a:", 5] })).toBe(
      `${where}: option "upstreams" expected a list of strings, found 5 in it`,
    );
    expect(await refused({ upstreams: 5 })).toContain(
      'option "upstreams" expected a space-separated string or an array of strings, found 5',
    );
  });
});
