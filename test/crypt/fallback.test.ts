/** Without a loadable sodium-native, crypt falls back to the pure-JS cipher after one notice. */
import { expect, it, vi } from "vitest";
import { formatLogLine, setLogSink } from "../../src/fs/log.js";

vi.mock("sodium-native", () => {
  throw new Error("No native build was found for this platform");
});

it("uses @noble/ciphers and says so once", async () => {
  delete process.env.STRATA_CRYPT_IMPL;
  const lines: string[] = [];
  setLogSink((entry) => lines.push(formatLogLine(entry)));
  const { secretBox } = await import("../../src/overlays/crypt/secretbox.js");
  const [a, b] = [await secretBox(), await secretBox()];
  expect([a.impl, b.impl]).toEqual(["js", "js"]);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/NOTICE.*crypt: native libsodium \(sodium-native\) did not load .*pure-JS cipher/);
});
