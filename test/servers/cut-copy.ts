/** For fault tests: a CLI upload whose server is killed in the middle and started again. */
import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, strata } from "../commands/run-cli.js";
import { type ServerHandle, sleep } from "./process.js";

/** Names in a directory on disk, or none when it does not exist (yet). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Copies 24 MiB from a new file in `srcDir` to `dst`/big.bin with `strata copyto` at 8 MiB/s, so the
 * first attempt takes three seconds. Once something shows in `receivingDir` (where the server keeps
 * an upload in progress), or after 10 s, it kills `server` hard and starts it again. Resolves with
 * the CLI's result and the bytes sent.
 */
export async function copyAcrossRestart(
  server: ServerHandle,
  srcDir: string,
  dst: string,
  receivingDir: string,
): Promise<{ result: CliResult; data: Buffer }> {
  const data = randomBytes(24 * 1024 * 1024);
  writeFileSync(join(srcDir, "big.bin"), data);
  const run = strata(["copyto", join(srcDir, "big.bin"), `${dst}/big.bin`, "--bwlimit", "8M", "--retries", "1", "-vv"]);
  for (let i = 0; i < 400 && namesIn(receivingDir).length === 0; i++) await sleep(25);
  await sleep(500);
  await server.stop({ hard: true });
  await sleep(300);
  await server.start();
  return { result: await run, data };
}
