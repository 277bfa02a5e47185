/**
 * An upstream that cannot be opened (here an sftp server that refuses the connection) counts as
 * unreachable: the erasure remote writes and reads through the others while k of them answer. A
 * mistake in an upstream's config still stops it.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { freePort } from "../servers/process.js";

const memory = () => `:memory:ec-unreachable-${randomBytes(6).toString("hex")}`;
/** An sftp remote whose server refuses connections: nothing listens on a port just handed out and released. */
const refused = async () => `:sftp,host=127.0.0.1,port=${await freePort()},user=nobody:/data`;
/** Writes succeed once k shards are stored (`happy` = k). */
const erasure = (remotes: string[], k: number) =>
  `:erasure,remotes=${quoteValue(remotes.map((r) => `'${r}'`).join(" "))},data_shards=${k},parity_shards=${remotes.length - k},happy=${k}:`;

describe("erasure with upstreams that cannot be opened", () => {
  it("writes and reads through the others while k answer", async () => {
    const fs = await newFs(
      erasure([memory(), await refused(), memory(), memory(), await refused()], 3),
      createContext(),
    );
    const data = randomBytes(5000);
    await fs.put(fromBytes(data), { remote: "f.bin", size: data.length, modTime: new Date("2024-01-01T00:00:00Z") });
    const back = await toBytes(await (await fs.newObject("f.bin")).open());
    expect(Buffer.from(back).equals(data)).toBe(true);
  });

  it("fails when fewer than k can be opened, and on a config mistake", async () => {
    await expect(
      newFs(erasure([memory(), await refused(), await refused()], 2), createContext()),
    ).rejects.toMatchObject({
      code: "Transient",
    });
    await expect(
      newFs(erasure([memory(), memory(), ":memory,no_such_option=1:x"], 2), createContext()),
    ).rejects.toMatchObject({ code: "ConfigInvalid" });
  });
});
