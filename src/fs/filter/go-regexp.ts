/**
 * Go regexp (RE2) syntax → JavaScript `RegExp`.
 *
 * rclone hands its glob translation, the text after a `\` in a glob, the inside of `[...]` and the whole of a
 * `{{...}}` block to Go's `regexp` package, so `\d`, `[[:alpha:]]`, `(?i)` or `\pL` in a filter mean what Go says.
 * This module parses Go's syntax (the `regexp.Compile` flavour: Perl classes, Unicode groups, `(?flags)`) and
 * emits an equivalent JS pattern with the `u` flag, so both engines accept and reject the same patterns.
 * Only a yes/no match is ever asked for, so every group becomes non-capturing.
 *
 * Case folding uses the JS `i` flag when the whole pattern folds (rclone's `--ignore-case` puts `(?i)`
 * first); folding switched on or off part-way (`(?i)`, `(?-i)` inside `{{...}}`) is emulated per character,
 * which covers literals and class ranges up to 12288 characters long but not `\p{...}` groups.
 * Go's size limits other than the repeat count of 1000 are not enforced.
 */

/** A Go regexp syntax error, with Go's wording where it matters to users. */
export class GoRegexpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoRegexpError";
  }
}

interface Flags {
  /** Case-insensitive. */
  i: boolean;
  /** Multi-line: `^` and `$` match at line breaks. */
  m: boolean;
  /** `.` matches `\n`. */
  s: boolean;
  /** Ungreedy: swaps the meaning of `x*` and `x*?`. */
  U: boolean;
}

/** One emitted piece of pattern that a repetition operator may follow. */
interface Atom {
  text: string;
  /** Zero-width assertions must be wrapped before JS lets them be quantified. */
  assertion: boolean;
}

/** A class item: an inclusive code point range. */
type Range = [number, number];

/** A class under construction: ranges, JS class escapes to paste in, and sets to add by complement. */
interface ClassParts {
  ranges: Range[];
  /** Pasted as is inside `[...]`: `\p{L}`, `\P{Script=Greek}`. */
  escapes: string[];
  /** Bodies of classes whose complement belongs to this class (Go's `\S` is narrower than JS's). */
  complements: string[];
}

const PERL_CLASSES: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  // Go's \s is ASCII only and leaves out \v: [\t\n\f\r ].
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** Characters that fold together beyond what toLowerCase/toUpperCase reveal (Kelvin sign, long s, …). */
const FOLD_ORBITS = [
  "kK\u212a",
  "sS\u017f",
  "\u00e5\u00c5\u212b",
  "\u03c9\u03a9\u2126",
  "\u03b8\u03d1\u0398\u03f4",
  "\u03b9\u0345\u0399\u1fbe",
  "\u03b2\u03d0\u0392",
  "\u03b5\u03f5\u0395",
  "\u03ba\u03f0\u039a",
  "\u03c0\u03d6\u03a0",
  "\u03c1\u03f1\u03a1",
  "\u03c3\u03c2\u03a3",
  "\u03c6\u03d5\u03a6",
  "\u03bc\u00b5\u039c",
  "\u00df\u1e9e",
];

const MAX_REPEAT = 1000;
/** Ranges longer than this are not folded one character at a time (they are letters of both cases already). */
const MAX_FOLD_RANGE = 0x3000;

const hex = (cp: number) => `\\u{${cp.toString(16)}}`;

/** A code point written for use inside a JS `[...]` (u mode). */
function classChar(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) {
    return String.fromCodePoint(cp);
  }
  return hex(cp);
}

/** A code point written as a JS literal outside a class (u mode). */
function literalChar(cp: number): string {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  const ch = String.fromCodePoint(cp);
  return "^$\\.*+?()[]{}|/".includes(ch) ? `\\${ch}` : ch;
}

/** Every code point that case-folds to the same thing as `cp` (including `cp`). */
export function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const found = new Set<string>([ch]);
  for (const v of [
    ch.toLowerCase(),
    ch.toUpperCase(),
    ch.toLowerCase().toUpperCase(),
    ch.toUpperCase().toLowerCase(),
  ]) {
    if ([...v].length === 1) found.add(v);
  }
  for (const orbit of FOLD_ORBITS) {
    if ([...orbit].some((c) => found.has(c))) for (const c of orbit) found.add(c);
  }
  // Keep only what JS's own case folding agrees with, so emulated and native folding never disagree.
  const probe = new RegExp(`^${literalChar(cp)}$`, "iu");
  return [...found].filter((c) => c === ch || probe.test(c)).map((c) => c.codePointAt(0) as number);
}

function foldRanges(ranges: Range[]): Range[] {
  const extra: Range[] = [];
  for (const [lo, hi] of ranges) {
    if (hi - lo > MAX_FOLD_RANGE) continue;
    for (let cp = lo; cp <= hi; cp++) {
      for (const v of caseVariants(cp)) if (v < lo || v > hi) extra.push([v, v]);
    }
  }
  return extra;
}

const isOctal = (c: string | undefined) => c !== undefined && c >= "0" && c <= "7";
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

class Translator {
  private pos = 0;
  /** Whether the JS pattern carries the `i` flag (the Go pattern starts with `(?i)`). */
  readonly jsFold: boolean;

  constructor(private readonly src: string) {
    // A pattern that switches folding off somewhere is folded by hand throughout, as JS (before
    // regexp modifiers) cannot switch its `i` flag off for part of a pattern.
    const switchesOff = /\(\?[imsU]*-[imsU]*i/.test(src);
    this.jsFold = !switchesOff && /^\(\?[msU]*i[imsU]*\)/.test(src);
  }

  translate(): string {
    const out = this.alternation({ i: false, m: false, s: false, U: false });
    if (this.pos < this.src.length) throw new GoRegexpError(`unexpected ): \`${this.src}\``);
    return out;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  /** The code point at the cursor, consumed. */
  private nextCodePoint(): number {
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) throw new GoRegexpError("unexpected end of pattern");
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** Alternatives up to an unmatched `)` or the end; `flags` is this group's own copy and may change. */
  private alternation(flags: Flags): string {
    const branches: string[] = [];
    let pieces: Atom[] = [];
    let canRepeat = false;
    let lastWasRepeat = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (c === ")") break;
      if (c === "|") {
        branches.push(pieces.map((p) => p.text).join(""));
        pieces = [];
        canRepeat = false;
        lastWasRepeat = false;
        this.pos++;
        continue;
      }
      const start = this.pos;
      const quantifier = this.repetition();
      if (quantifier !== undefined) {
        const op = this.src.slice(start, this.pos);
        if (lastWasRepeat) throw new GoRegexpError(`invalid nested repetition operator: \`${op}\``);
        if (!canRepeat) throw new GoRegexpError(`missing argument to repetition operator: \`${op}\``);
        let lazy = false;
        if (this.peek() === "?") {
          lazy = true;
          this.pos++;
        }
        if (flags.U) lazy = !lazy;
        const last = pieces.pop() as Atom;
        const base = last.assertion ? `(?:${last.text})` : last.text;
        pieces.push({ text: `${base}${quantifier}${lazy ? "?" : ""}`, assertion: false });
        lastWasRepeat = true;
        continue;
      }
      const atoms = this.atoms(flags);
      lastWasRepeat = false;
      if (atoms.length > 0) {
        pieces.push(...atoms);
        canRepeat = true;
      }
    }
    branches.push(pieces.map((p) => p.text).join(""));
    return branches.join("|");
  }

  /** A repetition operator at the cursor as JS text (consumed), or undefined. `{` that is not one is a literal. */
  private repetition(): string | undefined {
    const c = this.peek();
    if (c === "*" || c === "+" || c === "?") {
      this.pos++;
      return c;
    }
    if (c !== "{") return undefined;
    // Go: {n}, {n,} or {n,m} with no leading zeros; anything else is a literal brace.
    const m = /^\{(0|[1-9]\d*)(,(0|[1-9]\d*)?)?\}/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
      throw new GoRegexpError(`invalid repeat count: \`${m[0]}\``);
    }
    this.pos += m[0].length;
    return m[0];
  }

  /** The atoms at the cursor: usually one, several for `\Q...\E`, none for a flag group. */
  private atoms(flags: Flags): Atom[] {
    const c = this.src[this.pos] as string;
    switch (c) {
      case "(":
        return this.group(flags);
      case "[":
        return [{ text: this.charClass(flags), assertion: false }];
      case ".":
        this.pos++;
        return [{ text: flags.s ? "[\\s\\S]" : "[^\\n]", assertion: false }];
      case "^":
        this.pos++;
        return [{ text: flags.m ? "(?:^|(?<=\\n))" : "^", assertion: true }];
      case "$":
        this.pos++;
        return [{ text: flags.m ? "(?:$|(?=\\n))" : "$", assertion: true }];
      case "\\":
        return this.escape(flags);
      default:
        return [{ text: this.literal(this.nextCodePoint(), flags), assertion: false }];
    }
  }

  private group(flags: Flags): Atom[] {
    const open = this.pos;
    this.pos++;
    let inner: Flags = { ...flags };
    if (this.peek() === "?") {
      if (this.src.startsWith("?P<", this.pos)) {
        const end = this.src.indexOf(">", this.pos);
        const name = end < 0 ? "" : this.src.slice(this.pos + 3, end);
        if (end < 0 || !/^[A-Za-z0-9_]+$/.test(name)) {
          throw new GoRegexpError(`invalid named capture: \`${this.src.slice(open, end < 0 ? undefined : end + 1)}\``);
        }
        this.pos = end + 1;
      } else {
        const set = this.perlFlags(flags, open);
        if (set === "flags") return [];
        inner = set;
      }
    }
    const body = this.alternation(inner);
    if (this.peek() !== ")") throw new GoRegexpError(`missing closing ): \`${this.src}\``);
    this.pos++;
    return [{ text: `(?:${body})`, assertion: false }];
  }

  /**
   * Parses `(?flags)` (changes `flags` in place, returns "flags") or `(?flags:` (returns the group's flags).
   * The cursor is on the `?`.
   */
  private perlFlags(flags: Flags, open: number): Flags | "flags" {
    const next: Flags = { ...flags };
    let negate = false;
    let sawFlag = false;
    this.pos++;
    for (;;) {
      const c = this.peek();
      if (c === undefined) break;
      this.pos++;
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        next[c] = !negate;
        sawFlag = true;
        continue;
      }
      if (c === "-" && !negate) {
        negate = true;
        sawFlag = false;
        continue;
      }
      if ((c === ")" || c === ":") && !(negate && !sawFlag)) {
        if (c === ":") return next;
        Object.assign(flags, next);
        return "flags";
      }
      break;
    }
    throw new GoRegexpError(`invalid or unsupported Perl syntax: \`${this.src.slice(open, this.pos)}\``);
  }

  private literal(cp: number, flags: Flags): string {
    if (flags.i && !this.jsFold) {
      const variants = caseVariants(cp);
      if (variants.length > 1) return `[${variants.map(classChar).join("")}]`;
    }
    return literalChar(cp);
  }

  /** A backslash sequence outside a class. */
  private escape(flags: Flags): Atom[] {
    const c = this.peek(1);
    switch (c) {
      case "A":
        this.pos += 2;
        return [{ text: "^", assertion: true }];
      case "z":
        this.pos += 2;
        return [{ text: "$", assertion: true }];
      case "b":
      case "B":
        this.pos += 2;
        return [{ text: `\\${c}`, assertion: true }];
      case "Q": {
        const end = this.src.indexOf("\\E", this.pos + 2);
        const text = this.src.slice(this.pos + 2, end < 0 ? undefined : end);
        this.pos = end < 0 ? this.src.length : end + 2;
        return [...text].map((ch) => ({ text: this.literal(ch.codePointAt(0) as number, flags), assertion: false }));
      }
      default:
        break;
    }
    const parts: ClassParts = { ranges: [], escapes: [], complements: [] };
    if (this.classEscape(parts)) return [{ text: this.emitClass(parts, false, flags), assertion: false }];
    return [{ text: this.literal(this.charEscape(), flags), assertion: false }];
  }

  /** `\d`, `\S`, `\pL`, `\P{Greek}` …: adds to `parts` and returns true, or returns false without moving. */
  private classEscape(parts: ClassParts): boolean {
    const c = this.peek(1);
    if (this.peek() !== "\\" || c === undefined) return false;
    const perl = PERL_CLASSES[c.toLowerCase()];
    if (perl && "dDsSwW".includes(c)) {
      this.pos += 2;
      if (c === c.toLowerCase()) parts.ranges.push(...perl);
      else parts.complements.push(perl.map(rangeText).join(""));
      return true;
    }
    if (c !== "p" && c !== "P") return false;
    const start = this.pos;
    this.pos += 2;
    let name: string;
    if (this.peek() === "{") {
      const end = this.src.indexOf("}", this.pos);
      if (end < 0) throw new GoRegexpError(`invalid character class range: \`${this.src.slice(start)}\``);
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      if (this.pos >= this.src.length)
        throw new GoRegexpError(`invalid character class range: \`${this.src.slice(start)}\``);
      name = String.fromCodePoint(this.nextCodePoint());
    }
    let negate = c === "P";
    if (name.startsWith("^")) {
      negate = !negate;
      name = name.slice(1);
    }
    const property = unicodeProperty(name);
    if (property === undefined) {
      throw new GoRegexpError(`invalid character class range: \`${this.src.slice(start, this.pos)}\``);
    }
    parts.escapes.push(`\\${negate ? "P" : "p"}{${property}}`);
    return true;
  }

  /** A single-character escape (Go's parseEscape): octal, hex, control letters, escaped punctuation. */
  private charEscape(): number {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) throw new GoRegexpError("trailing backslash at end of expression");
    this.pos++;
    const bad = () => new GoRegexpError(`invalid escape sequence: \`${this.src.slice(start, this.pos)}\``);
    if (c >= "1" && c <= "7" && !isOctal(this.peek())) throw bad(); // a backreference, which Go lacks
    if (c >= "0" && c <= "7") {
      let digits = c;
      while (digits.length < 3 && isOctal(this.peek())) digits += this.src[this.pos++];
      return Number.parseInt(digits, 8);
    }
    if (c === "x") {
      if (this.peek() === "{") {
        const end = this.src.indexOf("}", this.pos);
        const digits = end < 0 ? "" : this.src.slice(this.pos + 1, end);
        if (!/^[0-9a-fA-F]+$/.test(digits)) {
          this.pos = end < 0 ? this.src.length : end + 1;
          throw bad();
        }
        this.pos = end + 1;
        const cp = Number.parseInt(digits, 16);
        if (cp > 0x10ffff) throw bad();
        return cp;
      }
      if (!isHex(this.peek()) || !isHex(this.peek(1))) throw bad();
      this.pos += 2;
      return Number.parseInt(this.src.slice(this.pos - 2, this.pos), 16);
    }
    const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (controls[c] !== undefined) return controls[c];
    if (c.charCodeAt(0) < 0x80 && !isAlnum(c)) return c.charCodeAt(0);
    throw bad();
  }

  /** Go's bracket expression at the cursor, as JS. */
  private charClass(flags: Flags): string {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    const parts: ClassParts = { ranges: [], escapes: [], complements: [] };
    const missing = () => new GoRegexpError(`missing closing ]: \`${this.src.slice(start)}\``);
    // A `]` straight after the opening bracket is a literal, as in Go.
    let first = true;
    while (first || this.peek() !== "]") {
      if (this.pos >= this.src.length) throw missing();
      first = false;
      if (this.src.startsWith("[:", this.pos)) {
        const end = this.src.indexOf(":]", this.pos + 2);
        if (end >= 0) {
          let name = this.src.slice(this.pos + 2, end);
          const negate = name.startsWith("^");
          if (negate) name = name.slice(1);
          const ranges = POSIX_CLASSES[name];
          if (!ranges)
            throw new GoRegexpError(`invalid character class range: \`${this.src.slice(this.pos, end + 2)}\``);
          if (negate) parts.complements.push(ranges.map(rangeText).join(""));
          else parts.ranges.push(...ranges);
          this.pos = end + 2;
          continue;
        }
      }
      if (this.classEscape(parts)) continue;
      const rangeStart = this.pos;
      const lo = this.classMember(missing);
      let hi = lo;
      if (this.peek() === "-" && this.peek(1) !== undefined && this.peek(1) !== "]") {
        this.pos++;
        hi = this.classMember(missing);
        if (hi < lo)
          throw new GoRegexpError(`invalid character class range: \`${this.src.slice(rangeStart, this.pos)}\``);
      }
      parts.ranges.push([lo, hi]);
    }
    this.pos++;
    return this.emitClass(parts, negated, flags);
  }

  private classMember(missing: () => GoRegexpError): number {
    if (this.pos >= this.src.length) throw missing();
    return this.peek() === "\\" ? this.charEscape() : this.nextCodePoint();
  }

  private emitClass(parts: ClassParts, negated: boolean, flags: Flags): string {
    // With the JS `i` flag JS folds the class itself; a `(?i)` that starts part-way is emulated here.
    const ranges = flags.i && !this.jsFold ? [...parts.ranges, ...foldRanges(parts.ranges)] : parts.ranges;
    const body = ranges.map(rangeText).join("") + parts.escapes.join("");
    if (parts.complements.length === 0) return `[${negated ? "^" : ""}${body}]`;
    const alternatives = [...(body === "" ? [] : [`[${body}]`]), ...parts.complements.map((c) => `[^${c}]`)];
    const union = alternatives.join("|");
    return negated ? `(?:(?!${union})[\\s\\S])` : `(?:${union})`;
  }
}

function rangeText([lo, hi]: Range): string {
  return lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`;
}

const propertyCache = new Map<string, string | undefined>();

/** The JS `\p{...}` body for a Go Unicode class name (category, script or `Any`), or undefined. */
function unicodeProperty(name: string): string | undefined {
  if (propertyCache.has(name)) return propertyCache.get(name);
  let property: string | undefined;
  if (/^[A-Za-z_]+$/.test(name)) {
    // Go knows the one- and two-letter general categories and script names; JS spells scripts with Script=.
    const candidate = name === "Any" || /^[CLMNPSZ][a-z]?$/.test(name) ? name : `Script=${name}`;
    try {
      new RegExp(`\\p{${candidate}}`, "u");
      property = candidate;
    } catch {
      property = undefined;
    }
  }
  propertyCache.set(name, property);
  return property;
}

/** The JS source and flags for a Go regexp. Throws `GoRegexpError` where Go's compiler would fail. */
export function translateGoRegexp(src: string): { source: string; flags: string } {
  const t = new Translator(src);
  const source = t.translate();
  return { source, flags: t.jsFold ? "iu" : "u" };
}

/** Compiles a Go regexp as a JS `RegExp` with the same matches. Throws `GoRegexpError` on bad syntax. */
export function compileGoRegexp(src: string): RegExp {
  const { source, flags } = translateGoRegexp(src);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new GoRegexpError(`cannot translate \`${src}\`: ${(err as Error).message}`);
  }
}
