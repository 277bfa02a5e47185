/** listremotes, side by side with rclone 1.60 on the same rclone.conf. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";

let dir: string;
let conf: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-listremotes-"));
  conf = join(dir, "rclone.conf");
  writeFileSync(conf, "[zeta]\ntype = local\n\n[alpha-long]\ntype = alias\nremote = /tmp\n\n[mid]\ntype = memory\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("listremotes", () => {
  it("lists names with a colon, sorted, and --long aligns the types", async () => {
    const short = await strata(["--config", conf, "listremotes"]);
    expect(short).toMatchObject({ code: 0, stdout: "alpha-long:\nmid:\nzeta:\n" });
    const long = await strata(["--config", conf, "listremotes", "--long"]);
    expect(long).toMatchObject({ code: 0, stdout: "alpha-long: alias\nmid:        memory\nzeta:       local\n" });
    if (hasRclone) {
      expect((await rclone(["--config", conf, "listremotes"])).stdout).toBe(short.stdout);
      expect((await rclone(["--config", conf, "listremotes", "--long"])).stdout).toBe(long.stdout);
    }
  });

  it("includes remotes defined only in the environment", async () => {
    const r = await strata(["--config", conf, "listremotes", "--long"], { env: { STRATA_CONFIG_ENVR_TYPE: "local" } });
    expect(r.stdout).toBe("alpha-long: alias\nenvr:       local\nmid:        memory\nzeta:       local\n");
  });

  it("prints nothing for an empty config and refuses arguments with exit 1", async () => {
    expect(await strata(["listremotes"])).toMatchObject({ code: 0, stdout: "" });
    const extra = await strata(["--config", conf, "listremotes", "extra"]);
    expect(extra.code).toBe(1);
    if (hasRclone) expect((await rclone(["--config", conf, "listremotes", "extra"])).code).toBe(1);
  });
});
