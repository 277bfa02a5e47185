import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { compileGlob, globToDirGlobs, globToRegExp, globToRegexpSource } from "../../src/fs/filter/glob.js";
import { caseVariants, compileGoRegexp, GoRegexpError, translateGoRegexp } from "../../src/fs/filter/go-regexp.js";

const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isFsError(err, "Usage") ? err.message : `not Usage: ${String(err)}`;
  }
  return "no error";
};

describe("globToRegexpSource (rclone's Go regexp text)", () => {
  it.each([
    ["", "(^|/)$"],
    ["report", "(^|/)report$"],
    ["/report", "^report$"],
    ["*.log", "(^|/)[^/]*\\.log$"],
    ["x?y", "(^|/)x[^/]y$"],
    ["/src/**", "^src/.*$"],
    ["**/cache/*", "(^|/).*/cache/[^/]*$"],
    ["a,b", "(^|/)a,b$"],
    ["*.{gif,webp}", "(^|/)[^/]*\\.(gif|webp)$"],
    ["{x*,y?}z", "(^|/)(x[^/]*|y[^/])z$"],
    ["v[0-9].c", "(^|/)v[0-9]\\.c$"],
    ["[!x]y", "(^|/)[!x]y$"],
    ["[[:digit:]]", "(^|/)[[:digit:]]$"],
    ["[*?]", "(^|/)[*?]$"],
    ["+()|^$.", "(^|/)\\+\\(\\)\\|\\^\\$\\.$"],
    ["no\\*star", "(^|/)no\\*star$"],
    ["back\\\\slash", "(^|/)back\\\\slash$"],
    ["trailing\\", "(^|/)trailing\\$"],
    ["n\\d", "(^|/)n\\d$"],
    ["{{[0-9]+}}.bin", "(^|/)([0-9]+)\\.bin$"],
    ["/{{x{2}}}", "^(x{2})$"],
    ["/{{\\}}}", "^(\\})$"],
    ["\\{{{r}}", "(^|/)\\{(r)$"],
    ["dir/", "(^|/)dir/$"],
    ["日本/*.md", "(^|/)日本/[^/]*\\.md$"],
  ])("%j → %s", (glob, want) => {
    expect(globToRegexpSource(glob)).toBe(want);
    expect(globToRegexpSource(glob, true)).toBe(`(?i)${want}`);
  });

  it.each([
    ["***", "too many stars"],
    ["a***b", "too many stars"],
    ["x]", "mismatched ']'"],
    ["[x", "mismatched '[' and ']'"],
    ["[[x]", "mismatched '[' and ']'"],
    ["{a,{b}}", "can't nest"],
    ["a}", "mismatched '{' and '}'"],
    ["{a", "mismatched '{' and '}'"],
    ["{{a}", "mismatched '{{' and '}}'"],
  ])("rejects %j (%s) with Usage", (glob, message) => {
    expect(usageError(() => globToRegexpSource(glob))).toContain(message);
  });

  it("reports regexp failures naming the glob", () => {
    const message = usageError(() => globToRegExp("[z-a]"));
    expect(message).toContain('bad glob pattern "[z-a]"');
    expect(message).toContain("invalid character class range");
    expect(usageError(() => globToRegExp("{{(}}"))).toContain("missing closing )");
    expect(usageError(() => globToRegExp("{{a**}}"))).toContain("invalid nested repetition operator");
  });
});

describe("glob matching", () => {
  const matches = (glob: string, path: string, ignoreCase = false) => globToRegExp(glob, ignoreCase).test(path);

  it("matches the tail of the path unless anchored", () => {
    expect(matches("*.jpg", "a.jpg")).toBe(true);
    expect(matches("*.jpg", "x/y/a.jpg")).toBe(true);
    expect(matches("b/*.jpg", "a/b/c.jpg")).toBe(true);
    expect(matches("b/*.jpg", "ab/c.jpg")).toBe(false);
    expect(matches("/b/*.jpg", "a/b/c.jpg")).toBe(false);
    expect(matches("/b/*.jpg", "b/c.jpg")).toBe(true);
  });

  it("keeps * and ? inside one path segment, lets ** cross", () => {
    expect(matches("/a*", "ab/c")).toBe(false);
    expect(matches("/a**", "ab/c")).toBe(true);
    expect(matches("a?c", "a/c")).toBe(false);
    expect(matches("a?c", "abc")).toBe(true);
    expect(matches("**/x", "x")).toBe(false);
    expect(matches("**/x", "p/x")).toBe(true);
  });

  it("treats ? as one character, astral or not", () => {
    expect(matches("?.png", "😀.png")).toBe(true);
    expect(matches("??.png", "😀.png")).toBe(false);
  });

  it("follows Go's class syntax: [^...] negates, [!...] does not", () => {
    expect(matches("[^a]x", "bx")).toBe(true);
    expect(matches("[^a]x", "ax")).toBe(false);
    expect(matches("[!a]x", "bx")).toBe(false);
    expect(matches("[!a]x", "!x")).toBe(true);
    expect(matches("[!a]x", "ax")).toBe(true);
    expect(matches("[[:upper:]]*", "Readme")).toBe(true);
    expect(matches("[[:upper:]]*", "readme")).toBe(false);
  });

  it("escapes literal characters and passes regexp escapes through", () => {
    expect(matches("a\\*", "a*")).toBe(true);
    expect(matches("a\\*", "ab")).toBe(false);
    expect(matches("f\\d", "f7")).toBe(true);
    expect(matches("f\\d", "fx")).toBe(false);
    expect(matches("(x)", "(x)")).toBe(true);
    expect(matches("a+b", "a+b")).toBe(true);
    expect(matches("a+b", "aab")).toBe(false);
  });

  it("alternates with braces, which may hold wildcards", () => {
    expect(matches("{a,b*}.c", "a.c")).toBe(true);
    expect(matches("{a,b*}.c", "bzz.c")).toBe(true);
    expect(matches("{a,b*}.c", "c.c")).toBe(false);
    expect(matches("{a,b}", "a,b")).toBe(false);
    expect(matches("a,b", "a,b")).toBe(true);
  });

  it("embeds Go regexps with {{ }}", () => {
    expect(matches("{{\\d{4}}}-*.log", "2024-x.log")).toBe(true);
    expect(matches("{{\\d{4}}}-*.log", "24-x.log")).toBe(false);
    expect(matches("{{(?i).*\\.JPG}}", "x.jpg")).toBe(true);
    expect(matches("{{(?i)\\.JPG}}", "x.jpg")).toBe(false);
    expect(matches("{{[[:^digit:]]}}", "7")).toBe(false);
    expect(matches("{{[[:^digit:]]}}", "x")).toBe(true);
  });

  it("folds case with ignoreCase, Unicode included", () => {
    expect(matches("*.JPG", "a.jpg")).toBe(false);
    expect(matches("*.JPG", "a.jpg", true)).toBe(true);
    expect(matches("ÉTÉ", "été", true)).toBe(true);
    expect(matches("[A-C]x", "bX", true)).toBe(true);
    // The Kelvin sign folds to k, as in Go.
    expect(matches("k", "\u212a", true)).toBe(true);
  });
});

describe("globToDirGlobs", () => {
  it.each([
    ["*.txt", ["/**"]],
    ["/*.txt", ["/"]],
    ["/x/*.txt", ["/x/", "/"]],
    ["/x//y/*.txt", ["/x/y/", "/x/", "/"]],
    ["x/y/z", ["x/y/", "x/"]],
    ["x/y/", ["x/y/", "x/"]],
    ["**", ["**/"]],
    ["/p**q/r", ["/p**q/", "/p**/", "/"]],
    ["/s/**/t", ["/s/**/", "/s/", "/"]],
    ["/{a,b}/*.c", ["/{a,b}/", "/"]],
    ["/{a/b,c}/*", ["/**"]],
    ["/{a**,c}/*", ["/**"]],
    ["/{{re}}/x", ["/**"]],
  ])("%j → %j", (glob, want) => {
    expect(globToDirGlobs(glob)).toEqual(want);
  });
});

describe("Go regexp translation", () => {
  const ok = (re: string, yes: string[], no: string[]) => {
    const r = compileGoRegexp(re);
    for (const s of yes) expect(r.test(s), `${re} should match ${JSON.stringify(s)}`).toBe(true);
    for (const s of no) expect(r.test(s), `${re} should not match ${JSON.stringify(s)}`).toBe(false);
  };

  it("keeps Go's meanings of . \\s \\d \\w", () => {
    ok("^.$", ["\r", "\u2028", "é"], ["\n"]);
    ok("^(?s).$", ["\n"], []);
    ok("^\\s$", [" ", "\t", "\n"], ["\v", "\u00a0"]);
    ok("^\\S$", ["\v", "x"], [" "]);
    ok("^\\d$", ["7"], ["٣"]);
    ok("^\\w+$", ["a_1"], ["é"]);
  });

  it("handles escapes, classes and Unicode groups", () => {
    ok("^\\x41\\x{1F600}\\101\\t$", ["A😀A\t"], []);
    ok("^[\\d\\-x]+$", ["1-x"], ["y"]);
    ok("^[^\\S]$", [" "], ["x"]);
    ok("^[]a]$", ["]", "a"], ["b"]);
    ok("^\\pL\\p{Greek}\\P{L}$", ["aλ1"], ["aa1"]);
    ok("^\\Qa.b\\E$", ["a.b"], ["axb"]);
    ok("^a{2,3}$", ["aa", "aaa"], ["a", "aaaa"]);
    ok("^a{,2}$", ["a{,2}"], ["aa"]);
    ok("^(?P<n>x)|y$", ["x", "y"], ["z"]);
    ok("(?m)^b$", ["a\nb\nc"], ["ab"]);
    ok("^(?i)k$", ["K", "k", "\u212a"], ["x"]);
    ok("^a(?i:b)c$", ["aBc"], ["ABc", "abC"]);
    ok("^(?U)a+$", ["aaa"], []);
    ok("(?i)^a(?-i)b(?i:c)$", ["Abc", "abC"], ["aBc"]);
  });

  it("uses the JS i flag only when the whole pattern folds", () => {
    expect(translateGoRegexp("(?i)(^|/)x$").flags).toBe("iu");
    expect(translateGoRegexp("(^|/)((?i)x)$").flags).toBe("u");
    expect(translateGoRegexp("(^|/)((?i)x)$").source).toContain("[xX]");
  });

  it("finds case variants beyond upper and lower", () => {
    expect(caseVariants(0x73).sort()).toEqual([0x53, 0x73, 0x17f].sort());
    expect(caseVariants(0x31)).toEqual([0x31]);
  });

  it.each([
    ["a**", "invalid nested repetition operator"],
    ["*a", "missing argument to repetition operator"],
    ["(|*)", "missing argument to repetition operator"],
    ["a{1001}", "invalid repeat count"],
    ["a{3,2}", "invalid repeat count"],
    ["(a", "missing closing )"],
    ["a)", "unexpected )"],
    ["[a", "missing closing ]"],
    ["[b-a]", "invalid character class range"],
    ["[[:nope:]]", "invalid character class range"],
    ["\\pX", "invalid character class range"],
    ["\\1", "invalid escape sequence"],
    ["\\q", "invalid escape sequence"],
    ["\\C", "invalid escape sequence"],
    ["\\", "trailing backslash"],
    ["(?<n>x)", "invalid or unsupported Perl syntax"],
    ["(?=x)", "invalid or unsupported Perl syntax"],
    ["(?i-)", "invalid or unsupported Perl syntax"],
  ])("rejects %j (%s)", (re, message) => {
    expect(() => compileGoRegexp(re)).toThrow(GoRegexpError);
    expect(() => compileGoRegexp(re)).toThrow(message);
  });

  it("compiles every glob in the rclone corner-case list", () => {
    for (const glob of ["[\\[\\]]", "a\\\\b", "{{.*}}", "[a-z]or", "'.' '+' '(' ')' '|' '^' '$'"]) {
      expect(() => compileGlob(glob)).not.toThrow();
    }
  });
});
