/** The pending-upload journal: what it lists after a reopen, and that it stays small while open. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../../src/vfs/journal.js";
import { newTemp } from "./helpers.js";

const upload = (i: number) => ({ id: `id${i}`, path: `dir/f${i}`, size: i * 10, mtime: 1_700_000_000_000 + i });

describe("Journal", () => {
  it("lists the last record of every id not done, after a reopen", async () => {
    const dir = newTemp();
    const journal = await Journal.open(dir);
    for (let i = 0; i < 5; i++) await journal.put(upload(i));
    await journal.put({ ...upload(1), path: "renamed" });
    await journal.done("id0");
    await journal.done("id3");
    await journal.close();
    const again = await Journal.open(dir);
    expect(again.recovered).toEqual([{ ...upload(1), path: "renamed" }, upload(2), upload(4)]);
    await again.close();
  });

  it("rewrites itself to the pending records once it holds many more", async () => {
    const dir = newTemp();
    const journal = await Journal.open(dir, 10);
    for (let i = 0; i < 30; i++) {
      await journal.put(upload(i));
      if (i !== 7) await journal.done(`id${i}`);
    }
    const lines = readFileSync(join(dir, "journal"), "utf8").split("\n").filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(12);
    await journal.close();
    const again = await Journal.open(dir);
    expect(again.recovered).toEqual([upload(7)]);
    await again.close();
  });
});
