/**
 * Setup file of every vitest project: strata's log messages during a test are kept and printed
 * only when that test fails, so a passing run prints nothing. A test that inspects messages sets
 * its own sink; the next test starts with this one again.
 */
import { beforeEach } from "vitest";
import { formatLogLine, setLogSink } from "../src/fs/log.js";

beforeEach(({ task, onTestFailed }) => {
  const lines: string[] = [];
  setLogSink((entry) => lines.push(formatLogLine(entry)));
  onTestFailed(() => {
    if (lines.length > 0) process.stderr.write(`log of "${task.name}":\n${lines.join("\n")}\n`);
  });
});
