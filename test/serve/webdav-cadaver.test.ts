/** cadaver, the command-line WebDAV client, works through `strata serve webdav` over erasure(crypt(local)). */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-cadaver-");

/** Runs cadaver on `url` with `commands` on its stdin, logging in from a .netrc in `home`. */
function cadaver(url: string, home: string, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("cadaver", ["-r", "/dev/null", url], { env: { ...process.env, HOME: home } }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
    child.stdin?.end(`${commands.join("\n")}\nquit\n`);
  });
}

describe.runIf(existsSync("/usr/bin/cadaver"))("cadaver against strata serve webdav", () => {
  let server: StrataServer;
  let stack: string;
  let home: string;

  beforeAll(async () => {
    stack = erasureCryptStack(temp());
    server = await startStrataServe("webdav", stack, ["--user", "cad", "--pass", "secret"]);
    home = temp();
    writeFileSync(join(home, ".netrc"), "machine 127.0.0.1 login cad password secret\n", { mode: 0o600 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("makes a collection, puts, locks, copies, moves, gets and deletes", async () => {
    const local = join(home, "in.txt");
    writeFileSync(local, "from cadaver\n");
    const out = await cadaver(server.url, home, [
      "mkdir work",
      "cd work",
      `put ${local} one.txt`,
      "lock one.txt",
      `put ${local} one.txt`,
      "unlock one.txt",
      "copy one.txt two.txt",
      "move two.txt three.txt",
      `get three.txt ${join(home, "out.txt")}`,
      "ls",
    ]);
    expect(out).not.toMatch(/failed/);
    expect(out.match(/succeeded/g)?.length).toBe(9);
    expect(readFileSync(join(home, "out.txt"), "utf8")).toBe("from cadaver\n");
    const listed = await strata(["lsf", "-R", stack]);
    expect(listed.stdout.split("\n").filter(Boolean).sort()).toEqual(["work/", "work/one.txt", "work/three.txt"]);
    const removed = await cadaver(server.url, home, ["delete work/one.txt", "rmcol work"]);
    expect(removed.match(/succeeded/g)?.length).toBe(2);
    expect((await strata(["lsf", "-R", stack])).stdout).toBe("");
  });
});
