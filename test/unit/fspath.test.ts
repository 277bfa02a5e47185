import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { formatRemote, isValidRemoteName, type ParsedRemote, parseRemote, quoteValue } from "../../src/fs/fspath.js";
import { thrown } from "./thrown.js";

describe("parseRemote", () => {
  describe("local paths", () => {
    it.each(["/local/path", "relative/path", "file.txt", "/", ".", "", "./a:b", "/tmp/a:b", "../x:y", "a/b:c"])(
      "reads %j as local",
      (spec) => {
        expect(parseRemote(spec)).toEqual({ params: {}, path: spec });
      },
    );

    it("treats a comma without any colon as part of a local name, as rclone 1.60 does", () => {
      expect(parseRemote("a,b")).toEqual({ params: {}, path: "a,b" });
      expect(parseRemote("c,d/e")).toEqual({ params: {}, path: "c,d/e" });
      expect(parseRemote("/tmp/a,b:c")).toEqual({ params: {}, path: "/tmp/a,b:c" });
    });

    it("treats a name rclone would not accept as a local path", () => {
      expect(parseRemote("-x:y")).toEqual({ params: {}, path: "-x:y" });
      expect(parseRemote(" x:y")).toEqual({ params: {}, path: " x:y" });
      expect(parseRemote("x :y")).toEqual({ params: {}, path: "x :y" });
    });
  });

  describe("configured remotes", () => {
    it("splits at the first colon", () => {
      expect(parseRemote("name:path")).toEqual({ name: "name", params: {}, path: "path" });
      expect(parseRemote("name:")).toEqual({ name: "name", params: {}, path: "" });
      expect(parseRemote("name:/abs/dir")).toEqual({ name: "name", params: {}, path: "/abs/dir" });
      // Later colons belong to the path.
      expect(parseRemote("name:a:b")).toEqual({ name: "name", params: {}, path: "a:b" });
    });

    it("accepts rclone's name characters", () => {
      expect(parseRemote("my remote.v2+x@y_z-1:p").name).toBe("my remote.v2+x@y_z-1");
      expect(parseRemote("données:p").name).toBe("données");
    });

    it("takes option overrides after the name", () => {
      expect(parseRemote("name,key=value:path")).toEqual({ name: "name", params: { key: "value" }, path: "path" });
      expect(parseRemote("s3,region=eu,acl=private:bucket/dir")).toEqual({
        name: "s3",
        params: { region: "eu", acl: "private" },
        path: "bucket/dir",
      });
    });
  });

  describe("on-the-fly remotes", () => {
    it("reads the backend type", () => {
      expect(parseRemote(":memory:")).toEqual({ type: "memory", params: {}, path: "" });
      expect(parseRemote(":local:/tmp/x")).toEqual({ type: "local", params: {}, path: "/tmp/x" });
    });

    it("reads parameters", () => {
      expect(parseRemote(":crypt,remote=/data,password=xyz:path")).toEqual({
        type: "crypt",
        params: { remote: "/data", password: "xyz" },
        path: "path",
      });
    });

    it("keeps '=' inside an unquoted value", () => {
      expect(parseRemote(":s3,endpoint=a=b:x").params).toEqual({ endpoint: "a=b" });
    });

    it("reads an empty value as empty", () => {
      expect(parseRemote(":s3,region=:x").params).toEqual({ region: "" });
      expect(parseRemote(':s3,region="":x').params).toEqual({ region: "" });
    });

    it("reads a key without a value as true", () => {
      expect(parseRemote(":local,copy_links:/x").params).toEqual({ copy_links: "true" });
      expect(parseRemote(":local,a,b=2,c:/x").params).toEqual({ a: "true", b: "2", c: "true" });
    });

    it("turns dashes in keys into underscores", () => {
      expect(parseRemote(":local,case-insensitive,chunk-size=10M:/x").params).toEqual({
        case_insensitive: "true",
        chunk_size: "10M",
      });
    });

    it("lets a later duplicate key win", () => {
      expect(parseRemote(":s3,a=1,a=2:").params).toEqual({ a: "2" });
    });
  });

  describe("quoted values", () => {
    it("keeps , and : inside double quotes", () => {
      expect(parseRemote(':alias,remote="a:b,c":p')).toEqual({ type: "alias", params: { remote: "a:b,c" }, path: "p" });
    });

    it("reads a doubled quote as one quote", () => {
      expect(parseRemote(':alias,remote="say ""hi"", ok":').params).toEqual({ remote: 'say "hi", ok' });
      expect(parseRemote(":alias,remote='it''s:here':").params).toEqual({ remote: "it's:here" });
    });

    it("accepts single quotes, with double quotes literal inside", () => {
      expect(parseRemote(":alias,remote='a:b,\"c\"':p")).toEqual({
        type: "alias",
        params: { remote: 'a:b,"c"' },
        path: "p",
      });
    });

    it("continues with more parameters after a quoted one", () => {
      expect(parseRemote(':crypt,remote="/x:y",password=abc:p').params).toEqual({ remote: "/x:y", password: "abc" });
    });

    it("works on configured remotes too", () => {
      expect(parseRemote('name,remote="a:b":p')).toEqual({ name: "name", params: { remote: "a:b" }, path: "p" });
    });

    it("holds a whole nested remote string", () => {
      const r = parseRemote(':crypt,remote=":chunker,remote=/x,chunk_size=1000b:":');
      expect(r).toEqual({ type: "crypt", params: { remote: ":chunker,remote=/x,chunk_size=1000b:" }, path: "" });
      expect(parseRemote(r.params.remote as string)).toEqual({
        type: "chunker",
        params: { remote: "/x", chunk_size: "1000b" },
        path: "",
      });
    });
  });

  describe("malformed strings", () => {
    it.each([
      [":", "a lone colon"],
      [":bad type:", "a space in the type"],
      [":memory", "no colon after the type"],
      ["::", "an empty type"],
      [":,a=b:", "an empty type before parameters"],
      [":s3/x:", "a slash in the type"],
      [":s3,:", "an empty parameter name"],
      ["name,:p", "an empty parameter name on a named remote"],
      [":s3,=v:", "a value without a key"],
      [':s3,a="unterminated:', "an unterminated quote"],
      [":s3,a='unterminated:", "an unterminated single quote"],
      [':s3,a="x"y:', "text after a closing quote"],
      [":s3,a.b=1:", "a character not allowed in keys"],
      ['name,key="a:b', "an unterminated quote holding the only colon"],
    ])("throws Usage for %j (%s)", (spec) => {
      const err = thrown(() => parseRemote(spec));
      expect(isFsError(err, "Usage")).toBe(true);
      expect((err as Error).message).toContain(spec);
    });
  });
});

describe("isValidRemoteName", () => {
  it("follows rclone's rules", () => {
    expect(isValidRemoteName("remote")).toBe(true);
    expect(isValidRemoteName("a b")).toBe(true);
    expect(isValidRemoteName("a-b")).toBe(true);
    expect(isValidRemoteName("")).toBe(false);
    expect(isValidRemoteName("-a")).toBe(false);
    expect(isValidRemoteName(" a")).toBe(false);
    expect(isValidRemoteName("a ")).toBe(false);
    expect(isValidRemoteName("a/b")).toBe(false);
    expect(isValidRemoteName("a:b")).toBe(false);
  });
});

describe("quoteValue", () => {
  it("quotes only when the parser would split", () => {
    expect(quoteValue("plain")).toBe("plain");
    expect(quoteValue("/a/b=c")).toBe("/a/b=c");
    expect(quoteValue("a:b")).toBe('"a:b"');
    expect(quoteValue("a,b")).toBe('"a,b"');
    expect(quoteValue("it's")).toBe(`"it's"`);
    expect(quoteValue('say "x"')).toBe('"say ""x"""');
  });
});

describe("formatRemote", () => {
  it("gives local paths back unchanged", () => {
    expect(formatRemote({ params: {}, path: "/tmp/x" })).toBe("/tmp/x");
  });

  it("sorts parameters so equal remotes give equal strings", () => {
    const a = formatRemote(parseRemote(":s3,b=2,a=1:bucket"));
    const b = formatRemote(parseRemote(":s3,a=1,b=2:bucket"));
    expect(a).toBe(":s3,a=1,b=2:bucket");
    expect(b).toBe(a);
  });

  it("writes configured remotes without a leading colon", () => {
    expect(formatRemote({ name: "r", params: {}, path: "" })).toBe("r:");
    expect(formatRemote({ name: "r", params: { x: "1" }, path: "p" })).toBe("r,x=1:p");
  });

  it("quotes a nested remote", () => {
    const inner = ":chunker,remote=/x,chunk_size=1000b:";
    expect(formatRemote({ type: "crypt", params: { remote: inner }, path: "" })).toBe(
      ':crypt,remote=":chunker,remote=/x,chunk_size=1000b:":',
    );
  });

  const ROUND_TRIP: string[] = [
    "/local/path",
    "relative/path",
    "./a:b",
    "a,b",
    "name:path",
    "name:",
    "name:a:b",
    ":memory:",
    ":local:/tmp/x",
    ":crypt,remote=/data,password=xyz:path",
    "name,key=value:path",
    ':alias,remote="a:b,c":p',
    ':alias,remote="say ""hi""":',
    ":alias,remote='it''s':",
    ":alias,remote='\"q\"':",
    ":local,copy-links:/x",
    ":s3,region=,endpoint=a=b:",
    ':crypt,remote=":chunker,remote=/x,chunk_size=1000b:":',
    ':crypt,remote=":chunker,remote="":alias,remote=""""/y:z"""":"",chunk_size=1000b:",password=p:dir',
  ];

  it.each(ROUND_TRIP)("round-trips %j", (spec) => {
    const parsed = parseRemote(spec);
    const text = formatRemote(parsed);
    expect(parseRemote(text)).toEqual(parsed);
    // The canonical form is a fixed point.
    expect(formatRemote(parseRemote(text))).toBe(text);
  });

  it("round-trips awkward values built directly", () => {
    const values = ["", "a:b", "a,b", 'x"y', "x'y", "'", '"', '""', "::,,", "a=b", "spaces and \ttabs", "ünï"];
    for (const value of values) {
      const r: ParsedRemote = { type: "alias", params: { remote: value, other: "1" }, path: "dir/sub" };
      expect(parseRemote(formatRemote(r))).toEqual(r);
    }
  });

  it("keeps three levels of nesting intact", () => {
    const inner: ParsedRemote = { type: "alias", params: { remote: "/y:z" }, path: "" };
    const middle: ParsedRemote = {
      type: "chunker",
      params: { remote: formatRemote(inner), chunk_size: "1000b" },
      path: "",
    };
    const outer: ParsedRemote = { type: "crypt", params: { remote: formatRemote(middle), password: "p" }, path: "dir" };
    const back = parseRemote(formatRemote(outer));
    expect(back).toEqual(outer);
    const backMiddle = parseRemote(back.params.remote as string);
    expect(backMiddle).toEqual(middle);
    expect(parseRemote(backMiddle.params.remote as string)).toEqual(inner);
  });
});
