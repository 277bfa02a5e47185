/** Logging as a library sees it: entries to one sink, filtered by level; none without a sink. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { formatJsonLogLine, formatLogLine, type LogEntry, setLogLevel, setLogSink } from "strata";
import { afterEach, describe, expect, it } from "vitest";
import { log } from "../../src/fs/log.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

afterEach(() => setLogLevel("NOTICE"));

describe("log", () => {
  it("passes entries at or above the level to the sink", () => {
    const entries: LogEntry[] = [];
    setLogSink((e) => entries.push(e));
    setLogLevel("INFO");
    log.debug("f", "not shown");
    log.info("f", "shown");
    log.error(undefined, "bad");
    expect(entries.map((e) => [e.level, e.object, e.message])).toEqual([
      ["INFO", "f", "shown"],
      ["ERROR", undefined, "bad"],
    ]);
    expect(entries[0]?.time).toBeInstanceOf(Date);
  });

  it("formats rclone's text and JSON lines", () => {
    const entry: LogEntry = { level: "NOTICE", object: "a.txt", message: "hi", time: new Date(2024, 0, 2, 3, 4, 5) };
    expect(formatLogLine(entry)).toBe("2024/01/02 03:04:05 NOTICE: a.txt: hi");
    expect(JSON.parse(formatJsonLogLine(entry))).toMatchObject({
      level: "warning",
      msg: "hi",
      object: "a.txt",
      objectType: "string",
      source: "strata",
    });
  });

  it("setLogSink gives back the sink it replaced", () => {
    const mine = () => undefined;
    const before = setLogSink(mine);
    expect(setLogSink(before)).toBe(mine);
  });

  it("writes nothing in a program that set no sink", async () => {
    const program = 'import { log } from "./src/fs/log.ts"; log.error("x", "an error nobody asked to see");';
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", program],
      { cwd: ROOT },
    );
    expect(stdout + stderr).toBe("");
  });
});
