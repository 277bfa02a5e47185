/** `strata serve http` over TLS (--cert/--key) with logins from an htpasswd file (--htpasswd). */
import { execFile, execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-tls-");
const run = promisify(execFile);

/** curl's status code and body for `url` over TLS, trusting `ca`. */
async function get(url: string, ca: string, user?: string): Promise<{ status: number; body: string }> {
  const auth = user === undefined ? [] : ["-u", user];
  const { stdout } = await run("curl", ["-sS", "--cacert", ca, "-w", "\n%{http_code}", ...auth, url]);
  const at = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

describe("strata serve http --cert --key --htpasswd", () => {
  let server: StrataServer;
  let ca: string;

  beforeAll(async () => {
    const dir = temp();
    ca = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        ...["-keyout", join(dir, "key.pem"), "-out", ca],
      ],
      { stdio: "ignore" },
    );
    const htpasswd = join(dir, "htpasswd");
    writeFileSync(htpasswd, "");
    execFileSync("htpasswd", ["-bB", "-C", "4", htpasswd, "ann", "first"]);
    execFileSync("htpasswd", ["-bm", htpasswd, "ben", "second"]);
    const stack = erasureCryptStack(temp());
    const source = temp();
    writeFileSync(join(source, "hello.txt"), "hello over tls\n");
    expect((await strata(["copy", source, stack])).code).toBe(0);
    server = await startStrataServe("http", stack, [
      ...["--cert", ca, "--key", join(dir, "key.pem"), "--htpasswd", htpasswd],
    ]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves HTTPS to each htpasswd user and refuses wrong passwords", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await get(`${server.url}hello.txt`, ca, "ann:first")).toEqual({ status: 200, body: "hello over tls\n" });
    expect((await get(`${server.url}hello.txt`, ca, "ben:second")).status).toBe(200);
    expect((await get(`${server.url}hello.txt`, ca, "ann:second")).status).toBe(401);
    expect((await get(`${server.url}hello.txt`, ca)).status).toBe(401);
  });
});
