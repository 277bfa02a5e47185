import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { formatSize, parseDuration, parseSize } from "../../src/fs/units.js";

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const PiB = 1024 ** 5;
const EiB = 1024 ** 6;

function usageError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("parseSize", () => {
  it("reads a bare number as KiB, as rclone's flags do", () => {
    expect(parseSize("1000")).toBe(1_024_000);
    expect(parseSize("0")).toBe(0);
    expect(parseSize("1")).toBe(KiB);
  });

  it.each([
    ["1000b", 1000],
    ["1000B", 1000],
    ["0b", 0],
  ])("reads %s as bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ["1k", KiB],
    ["1K", KiB],
    ["1Ki", KiB],
    ["1KiB", KiB],
    ["1Kib", KiB],
    ["1KI", KiB],
    ["2M", 2 * MiB],
    ["2m", 2 * MiB],
    ["2Mi", 2 * MiB],
    ["2MiB", 2 * MiB],
    ["3G", 3 * GiB],
    ["3GiB", 3 * GiB],
    ["4T", 4 * TiB],
    ["5P", 5 * PiB],
    ["1E", EiB],
    ["1e", EiB],
  ])("reads %s as a power of 1024", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it("accepts fractions", () => {
    expect(parseSize("1.5M")).toBe(1.5 * MiB);
    expect(parseSize("0.5k")).toBe(512);
    expect(parseSize(".5k")).toBe(512);
    expect(parseSize("1.")).toBe(KiB);
    expect(parseSize("2.5")).toBe(2560);
  });

  it("truncates fractional bytes the way Go's float-to-int64 conversion does", () => {
    // Checked with rclone 1.60 --max-size: 1.1M admits a 1153433-byte file and rejects 1153434.
    expect(parseSize("1.1M")).toBe(1_153_433);
    expect(parseSize("1.7b")).toBe(1);
  });

  it("reads off (any case) as -1", () => {
    expect(parseSize("off")).toBe(-1);
    expect(parseSize("OFF")).toBe(-1);
    expect(parseSize("Off")).toBe(-1);
  });

  it.each(["", "abc", "10X", "-5", "5bk", "b", "K", "KiB", "1iB", "1bi", "1KB", "1KIB", "1.2.3M", "1 M", "1MM", "-1M"])(
    "rejects %j with a Usage error",
    (text) => {
      // "1KB" and "1KIB" are errors in rclone 1.60 too (it only knows the i/iB forms after a multiplier).
      const err = usageError(() => parseSize(text));
      expect(isFsError(err, "Usage")).toBe(true);
      expect((err as Error).message).toContain(JSON.stringify(text));
    },
  );
});

describe("formatSize", () => {
  it.each([
    [0, "0"],
    [1, "1"],
    [512, "512"],
    [1023, "1023"],
    [1024, "1Ki"],
    [1536, "1.500Ki"],
    [20 * MiB, "20Mi"],
    [1.25 * GiB, "1.250Gi"],
    [TiB, "1Ti"],
    [PiB, "1Pi"],
    [EiB, "1Ei"],
    [-1, "off"],
  ])("formats %d as %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it("breaks exact ties to even, as Go's %.3f does", () => {
    // rclone 1.60 `size` prints a 1088-byte file as "1.062 KiB"; JS toFixed alone would say 1.063.
    expect(formatSize(1088)).toBe("1.062Ki");
    expect(formatSize(1216)).toBe("1.188Ki");
    expect(formatSize(1025)).toBe("1.001Ki");
  });

  it("caps the unit at Ei", () => {
    expect(formatSize(2048 * EiB)).toBe("2048Ei");
  });

  it("round-trips through parseSize once a unitless result gets a b suffix", () => {
    // formatSize's bare numbers are bytes, parseSize's are KiB.
    for (const bytes of [0, 1, 1000, KiB, 3 * MiB, 7 * GiB, 1536]) {
      const text = formatSize(bytes);
      expect(parseSize(/\d$/.test(text) ? `${text}b` : text)).toBe(bytes);
    }
  });
});

describe("parseDuration", () => {
  it.each([
    ["1h30m", 90 * 60_000],
    ["1.5s", 1500],
    ["300ms", 300],
    ["2us", 0.002],
    ["2µs", 0.002],
    ["10ns", 0.00001],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1h1h", 7_200_000],
    [".5s", 500],
    ["0s", 0],
    ["-1h", -3_600_000],
    ["+1h", 3_600_000],
  ])("reads Go syntax %s", (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    ["1d", 86_400_000],
    ["1.5d", 1.5 * 86_400_000],
    ["2w", 14 * 86_400_000],
    ["1M", 30 * 86_400_000],
    ["1y", 365 * 86_400_000],
  ])("reads rclone's extra unit in %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("tells minutes (m) from months (M)", () => {
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1M")).toBe(30 * 86_400_000);
  });

  it("reads a bare number as seconds", () => {
    expect(parseDuration("5")).toBe(5000);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("1.5")).toBe(1500);
    // rclone 1.60 accepts these through strconv.ParseFloat as well.
    expect(parseDuration(".5")).toBe(500);
    expect(parseDuration("-5")).toBe(-5000);
  });

  it("reads off as infinite", () => {
    expect(parseDuration("off")).toBe(Number.POSITIVE_INFINITY);
  });

  it.each(["", "abc", "1H", "OFF", "5bk", "1m30", "h", "-", "+", "1x", "1.2.3s", "1 h", "--1h", "1h-1m"])(
    "rejects %j with a Usage error",
    (text) => {
      const err = usageError(() => parseDuration(text));
      expect(isFsError(err, "Usage")).toBe(true);
    },
  );
});
