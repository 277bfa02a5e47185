import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigStore, defaultConfigPath, envPrefix } from "../../src/fs/config.js";
import { isFsError } from "../../src/fs/errors.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-config-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(file: string, env: NodeJS.ProcessEnv = {}): Promise<Error> {
  try {
    await ConfigStore.load(file, env);
  } catch (err) {
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    return err as Error;
  }
  throw new Error("expected load to fail");
}

const JSON5_TEXT = `// strata config
{
  /* block comment */
  remotes: {
    a: { type: "local" }, // trailing comma next
    b: { type: "memory", root: 'x', },
  },
}
`;

const INI_TEXT = `# rclone config
; another comment style

[local]
type = local

[alias]
type = alias
remote = /tmp/x
`;

describe("ConfigStore.load: JSON5", () => {
  it("reads remotes despite comments and trailing commas", async () => {
    const store = await ConfigStore.load(await write("strata.json5", JSON5_TEXT), {});
    expect(store.format).toBe("json5");
    expect(store.exists).toBe(true);
    expect(store.names()).toEqual(["a", "b"]);
    expect(store.get("a")).toEqual({ type: "local" });
    expect(store.get("b")).toEqual({ type: "memory", root: "x" });
  });

  it("reads the minimal form", async () => {
    const store = await ConfigStore.load(await write("c.json5", '{ remotes: { a: { type: "local" } } }'), {});
    expect(store.names()).toEqual(["a"]);
  });

  it("accepts an object without remotes as empty", async () => {
    const store = await ConfigStore.load(await write("c.json5", "{}"), {});
    expect(store.names()).toEqual([]);
  });

  it("names the file and the key for an unknown top-level key", async () => {
    const file = await write("c.json5", '{ remotes: {}, remots: { a: { type: "local" } } }');
    const err = await loadError(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('"remots"');
  });

  it("names the remote and the type option when type is not a string", async () => {
    const file = await write("c.json5", "{ remotes: { myremote: { type: 42 } } }");
    const err = await loadError(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('"myremote"');
    expect(err.message).toContain('"type"');
  });

  it("rejects a remote with no type", async () => {
    const err = await loadError(await write("c.json5", "{ remotes: { r: { root: '/x' } } }"));
    expect(err.message).toContain('"r"');
    expect(err.message).toContain('"type"');
  });

  it("rejects a remote that is not an object", async () => {
    const err = await loadError(await write("c.json5", '{ remotes: { r: "local" } }'));
    expect(err.message).toContain('"r"');
  });

  it("rejects remotes that are not an object", async () => {
    const err = await loadError(await write("c.json5", "{ remotes: [1, 2] }"));
    expect(err.message).toContain('"remotes"');
  });

  it("rejects a top level that is not an object", async () => {
    await loadError(await write("c.json5", "42"));
    await loadError(await write("d.json", "[]"));
  });

  it("names the file for a syntax error", async () => {
    const file = await write("c.json5", "{ remotes: { a: { type: 'local' } ");
    const err = await loadError(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain("JSON5");
  });
});

describe("ConfigStore.load: INI (rclone.conf)", () => {
  it("reads sections, skipping comments", async () => {
    const store = await ConfigStore.load(await write("rclone.conf", INI_TEXT), {});
    expect(store.format).toBe("ini");
    expect(store.names()).toEqual(["alias", "local"]);
    expect(store.get("local")).toEqual({ type: "local" });
    expect(store.get("alias")).toEqual({ type: "alias", remote: "/tmp/x" });
  });

  it("detects INI by content whatever the extension", async () => {
    const store = await ConfigStore.load(await write("config", INI_TEXT), {});
    expect(store.format).toBe("ini");
    expect(store.get("alias")).toEqual({ type: "alias", remote: "/tmp/x" });
  });

  it("keeps '=' inside values and trims around the first one", async () => {
    const store = await ConfigStore.load(await write("r.conf", "[s]\ntype = s3\nendpoint =  a=b  \n"), {});
    expect(store.get("s")).toEqual({ type: "s3", endpoint: "a=b" });
  });

  it("reads CRLF line endings", async () => {
    const store = await ConfigStore.load(await write("r.conf", "[x]\r\ntype = local\r\n"), {});
    expect(store.get("x")).toEqual({ type: "local" });
  });

  it("reads an empty .conf as an empty config", async () => {
    const store = await ConfigStore.load(await write("r.conf", ""), {});
    expect(store.format).toBe("ini");
    expect(store.names()).toEqual([]);
  });

  it("names the remote whose type is missing", async () => {
    const err = await loadError(await write("r.conf", "[lonely]\nremote = /x\n"));
    expect(err.message).toContain('"lonely"');
    expect(err.message).toContain('"type"');
  });

  it("names the line of a malformed entry", async () => {
    const err = await loadError(await write("r.conf", "[x]\ntype = local\nnonsense\n"));
    expect(err.message).toContain("line 3");
  });

  it("rejects a key before any section", async () => {
    await loadError(await write("r.conf", "type = local\n"));
  });
});

describe("ConfigStore.load: missing file", () => {
  it("gives an empty config in the format the extension suggests", async () => {
    const json = await ConfigStore.load(join(dir, "none.json5"), {});
    expect(json.exists).toBe(false);
    expect(json.format).toBe("json5");
    expect(json.names()).toEqual([]);
    const ini = await ConfigStore.load(join(dir, "none.conf"), {});
    expect(ini.format).toBe("ini");
  });
});

describe("environment", () => {
  it("adds remotes defined by STRATA_CONFIG_<NAME>_TYPE to names()", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, { STRATA_CONFIG_FOO_TYPE: "memory", UNRELATED: "1" });
    expect(store.names()).toEqual(["a", "b", "foo"]);
    expect(store.get("foo")).toEqual({ type: "memory" });
    // stored() is the file only.
    expect(store.stored("foo")).toBeUndefined();
  });

  it("applies STRATA_CONFIG_<NAME>_<KEY> overrides with the key lower-cased", async () => {
    const env = { STRATA_CONFIG_ALIAS_REMOTE: "/elsewhere", STRATA_CONFIG_ALIAS_COPY_LINKS: "true" };
    const store = await ConfigStore.load(await write("rclone.conf", INI_TEXT), env);
    expect(store.get("alias")).toEqual({ type: "alias", remote: "/elsewhere", copy_links: "true" });
    expect(store.stored("alias")).toEqual({ type: "alias", remote: "/tmp/x" });
    expect(store.get("local")).toEqual({ type: "local" });
  });

  it("lets the environment override the type too", async () => {
    const store = await ConfigStore.load(await write("c.json5", JSON5_TEXT), { STRATA_CONFIG_A_TYPE: "memory" });
    expect(store.get("a")).toEqual({ type: "memory" });
  });

  it("does not invent a remote from options without a type", async () => {
    const store = await ConfigStore.load(join(dir, "none.json5"), { STRATA_CONFIG_GHOST_ROOT: "/x" });
    expect(store.get("ghost")).toBeUndefined();
    expect(store.names()).toEqual([]);
  });

  it("maps other characters in the name to underscores", () => {
    expect(envPrefix("my-remote.2")).toBe("STRATA_CONFIG_MY_REMOTE_2_");
    const store = ConfigStore.inMemory({ "my-remote": { type: "local" } }, { STRATA_CONFIG_MY_REMOTE_ROOT: "/r" });
    expect(store.get("my-remote")).toEqual({ type: "local", root: "/r" });
  });

  it("ignores the environment unless given it", async () => {
    // The default env is process.env; passing {} must isolate the store from it.
    const store = await ConfigStore.load(join(dir, "none.json5"), {});
    expect(store.names()).toEqual([]);
  });
});

describe("defaultConfigPath", () => {
  it("prefers STRATA_CONFIG, then XDG_CONFIG_HOME", () => {
    expect(defaultConfigPath({ STRATA_CONFIG: "/etc/strata.json5" })).toBe("/etc/strata.json5");
    expect(defaultConfigPath({ XDG_CONFIG_HOME: "/xdg" })).toBe("/xdg/strata/strata.json5");
  });
});

describe("set, delete and save", () => {
  it("writes a file that re-loads equal", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, {});
    store.set("c", { type: "alias", remote: "/data", list: ["x", "y"], n: 3, flag: true });
    await store.save();
    const again = await ConfigStore.load(file, {});
    expect(again.format).toBe("json5");
    expect(again.dump()).toEqual(store.dump());
    expect(again.get("c")).toEqual({ type: "alias", remote: "/data", list: ["x", "y"], n: 3, flag: true });
  });

  it("keeps the previous content as .bak", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, {});
    store.set("c", { type: "memory" });
    await store.save();
    expect(await readFile(`${file}.bak`, "utf8")).toBe(JSON5_TEXT);
  });

  it("leaves no temporary files behind and keeps the file private", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, {});
    store.set("c", { type: "memory" });
    await store.save();
    expect((await readdir(dir)).sort()).toEqual(["c.json5", "c.json5.bak"]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("creates a new file and its directory", async () => {
    const file = join(dir, "nested", "deeper", "strata.json5");
    const store = await ConfigStore.load(file, {});
    store.set("m", { type: "memory" });
    await store.save();
    expect((await ConfigStore.load(file, {})).get("m")).toEqual({ type: "memory" });
    expect(await readdir(join(dir, "nested", "deeper"))).toEqual(["strata.json5"]);
  });

  it("backs up on every save, including the second save of a file it created", async () => {
    const file = join(dir, "fresh.json5");
    const store = await ConfigStore.load(file, {});
    store.set("one", { type: "memory" });
    await store.save();
    const first = await readFile(file, "utf8");
    store.set("two", { type: "memory" });
    await store.save();
    expect(await readFile(`${file}.bak`, "utf8")).toBe(first);
  });

  it("keeps an INI config INI", async () => {
    const file = await write("rclone.conf", INI_TEXT);
    const store = await ConfigStore.load(file, {});
    store.set("mem", { type: "memory" });
    await store.save();
    const text = await readFile(file, "utf8");
    expect(text.trimStart().startsWith("[")).toBe(true);
    expect(text).toContain("[mem]\ntype = memory");
    expect(text).toContain("remote = /tmp/x");
    const again = await ConfigStore.load(file, {});
    expect(again.format).toBe("ini");
    expect(again.dump()).toEqual(store.dump());
    expect(await readFile(`${file}.bak`, "utf8")).toBe(INI_TEXT);
  });

  it("keeps an INI config INI when its name does not end in .conf", async () => {
    const file = await write("config", INI_TEXT);
    const store = await ConfigStore.load(file, {});
    store.set("mem", { type: "memory" });
    await store.save();
    const again = await ConfigStore.load(file, {});
    expect(again.format).toBe("ini");
    expect(again.get("mem")).toEqual({ type: "memory" });
  });

  it("deletes remotes", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, {});
    expect(store.delete("a")).toBe(true);
    expect(store.delete("a")).toBe(false);
    await store.save();
    expect((await ConfigStore.load(file, {})).names()).toEqual(["b"]);
  });

  it("does not write env overrides into the file", async () => {
    const file = await write("c.json5", JSON5_TEXT);
    const store = await ConfigStore.load(file, { STRATA_CONFIG_A_ROOT: "/secret", STRATA_CONFIG_Z_TYPE: "memory" });
    store.set("c", { type: "memory" });
    await store.save();
    const again = await ConfigStore.load(file, {});
    expect(again.names()).toEqual(["a", "b", "c"]);
    expect(again.get("a")).toEqual({ type: "local" });
  });

  it("does nothing for an in-memory store", async () => {
    const store = ConfigStore.inMemory({ a: { type: "local" } });
    store.set("b", { type: "memory" });
    await store.save();
    expect(store.path).toBeUndefined();
    expect(store.names()).toEqual(["a", "b"]);
  });
});

describe("copies", () => {
  it("dump() and stored() hand out copies", async () => {
    const store = ConfigStore.inMemory({ a: { type: "local", nested: { x: 1 } } });
    const dumped = store.dump();
    ((dumped.a as Record<string, unknown>).nested as { x: number }).x = 2;
    const stored = store.stored("a");
    if (stored) stored.type = "changed";
    expect(store.dump()).toEqual({ a: { type: "local", nested: { x: 1 } } });
  });

  it("inMemory does not share the caller's object", () => {
    const remotes = { a: { type: "local" } };
    const store = ConfigStore.inMemory(remotes);
    store.set("b", { type: "memory" });
    expect(Object.keys(remotes)).toEqual(["a"]);
  });
});
