/**
 * --timeout and --contimeout reach the network backends, as rclone's do: against a server that
 * accepts connections and never answers, a listing fails once the idle timeout passes (WebDAV's
 * and S3's requests, the SFTP handshake) instead of waiting the 5 minute default. Compared with
 * rclone where it gives up the same way.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { obscure } from "../../src/fs/obscure.js";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";

let server: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = createServer((sock) => {
    sockets.push(sock);
    sock.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const ONCE = ["--timeout", "1s", "--contimeout", "1s", "--low-level-retries", "1", "--retries", "1"];

describe("--timeout and --contimeout", () => {
  it("a WebDAV request to a silent server fails after --timeout, exit 5 as rclone", async () => {
    const remote = `:webdav,url='http://127.0.0.1:${port}/':`;
    const got = await strata(["lsf", remote, ...ONCE]);
    expect(got.code).toBe(5);
    expect(got.stderr).toMatch(/timeout/i);
    if (hasRclone) expect((await rclone(["lsf", remote, ...ONCE])).code).toBe(got.code);
  });

  it("an S3 request to a silent server fails after --timeout", async () => {
    const remote = `:s3,provider=Other,endpoint='http://127.0.0.1:${port}',access_key_id=a,secret_access_key=b:bucket`;
    const got = await strata(["lsf", remote, ...ONCE]);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toMatch(/timeout|timed out/i);
  });

  it("an SFTP handshake with a silent server fails after --timeout", async () => {
    const got = await strata(["lsf", `:sftp,host=127.0.0.1,port=${port},user=x,pass=${obscure("x")}:`, ...ONCE]);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toMatch(/timed out|timeout/i);
  });
});
