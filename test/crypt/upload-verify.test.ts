/**
 * Uploads are checked as rclone checks them: the ciphertext is hashed in flight and compared with
 * the wrapped remote's hash of what it stored.
 */
import { expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { LayerFs } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, FsObject, ObjectInfo, PutOptions } from "../../src/fs/types.js";
import { CryptFs } from "../../src/overlays/crypt/fs.js";
import type { CryptOptions } from "../../src/overlays/crypt/index.js";
import { deriveKeys } from "../../src/overlays/crypt/keys.js";
import { NameCipher } from "../../src/overlays/crypt/names.js";
import { secretBox } from "../../src/overlays/crypt/secretbox.js";

/** Flips one bit of everything written past the header, and hashes what it stores itself. */
class FlipWrites extends LayerFs {
  protected override wrapWrite(_remote: string, body: Body): Body {
    return (async function* () {
      let at = 0;
      for await (const part of body) {
        const copy = Uint8Array.from(part);
        if (at <= 40 && at + copy.length > 40) copy[40 - at] = (copy[40 - at] as number) ^ 1;
        at += copy.length;
        yield copy;
      }
    })();
  }
  override put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return super.put(body, { remote: src.remote, size: src.size, modTime: src.modTime }, options);
  }
}

it("a ciphertext changed on its way down fails the upload and leaves nothing", async () => {
  const mem = await newFs(":memory:crypt-verify", createContext());
  const keys = await deriveKeys("hunter2", "");
  const options: CryptOptions = {
    remote: ":memory:crypt-verify",
    password: "hunter2",
    password2: "",
    filename_encryption: "standard",
    directory_name_encryption: true,
    filename_encoding: "base32",
    suffix: ".bin",
    no_data_encryption: false,
    server_side_across_configs: false,
    show_mapping: false,
    strict_names: false,
  };
  const names = new NameCipher({
    mode: "standard",
    dirNames: true,
    encoding: "base32",
    suffix: ".bin",
    nameKey: keys.nameKey,
    nameTweak: keys.nameTweak,
  });
  const crypt = new CryptFs(":crypt", "", new FlipWrites(mem), options, keys, names, await secretBox());
  expect(mem.hashes.has("md5")).toBe(true);
  await expect(
    crypt.put(fromBytes(new Uint8Array(1000)), { remote: "f.bin", size: 1000, modTime: new Date() }),
  ).rejects.toMatchObject({ code: "Corrupt", path: "f.bin", message: expect.stringContaining("crypted hash differ") });
  expect(await mem.list("")).toEqual([]);
});
