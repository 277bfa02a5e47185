/**
 * A headless Chromium (Debian's, driven by playwright-core) loads `strata serve http`'s listing
 * page: the page lists the files, a click on a link downloads the file's bytes, and a screenshot
 * of the page is a PNG.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, type StrataServer, startStrataServe } from "./shared.js";

const CHROMIUM = "/usr/bin/chromium";
const temp = tempDirs("strata-serve-browser-");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.runIf(existsSync(CHROMIUM))("Chromium on strata serve http's listing page", () => {
  let server: StrataServer;
  let work: string;
  const payload = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 31 + 7) & 0xff));

  beforeAll(async () => {
    const stack = erasureCryptStack(temp());
    work = temp();
    const source = join(work, "source");
    mkdirSync(join(source, "photos"), { recursive: true });
    writeFileSync(join(source, "payload.bin"), payload);
    writeFileSync(join(source, "readme.txt"), "read me\n");
    writeFileSync(join(source, "photos/cat.jpg"), "not really a cat");
    const up = await strata(["copy", source, stack]);
    expect(up.code, up.stderr).toBe(0);
    server = await startStrataServe("http", stack, ["--user", "dee", "--pass", "pw"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("lists the files, downloads one by its link, and screenshots the page", async () => {
    // A persistent context on an empty directory: Chromium's --user-data-dir, as playwright wants it given.
    const context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      httpCredentials: { username: "dee", password: "pw" },
      acceptDownloads: true,
    });
    try {
      const page = await context.newPage();
      const answer = await page.goto(server.url);
      expect(answer?.status()).toBe(200);
      const names = await page.locator("td.name a").allTextContents();
      expect(names).toEqual(["photos/", "payload.bin", "readme.txt"]);
      const shot = join(work, "listing.png");
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      expect(png.length).toBeGreaterThan(PNG_SIGNATURE.length);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

      const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=payload.bin")]);
      const saved = join(work, "downloaded.bin");
      await download.saveAs(saved);
      expect(readFileSync(saved).equals(payload)).toBe(true);

      await page.goto(server.url);
      await page.click("text=photos/");
      expect(await page.locator("td.name a").allTextContents()).toEqual(["../", "cat.jpg"]);
    } finally {
      await context.close();
    }
  });
});
