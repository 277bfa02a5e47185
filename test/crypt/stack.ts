/**
 * A crypt remote built directly over an `Fs` a test holds (a crash or fault layer, say), which a
 * remote string cannot reach; the keys are those of "hunter2" with rclone's default salt.
 */
import type { Fs } from "../../src/fs/types.js";
import { CryptFs } from "../../src/overlays/crypt/fs.js";
import type { CryptOptions } from "../../src/overlays/crypt/index.js";
import { deriveKeys } from "../../src/overlays/crypt/keys.js";
import { NameCipher } from "../../src/overlays/crypt/names.js";
import { secretBox } from "../../src/overlays/crypt/secretbox.js";

const OPTIONS: CryptOptions = {
  remote: "",
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

/** A crypt remote over `base` with the options of a default config plus `extra`. */
export async function cryptOver(base: Fs, extra: Partial<CryptOptions> = {}): Promise<CryptFs> {
  const options = { ...OPTIONS, ...extra };
  const keys = await deriveKeys(options.password, options.password2);
  const names = new NameCipher({
    mode: options.filename_encryption,
    dirNames: options.directory_name_encryption,
    encoding: options.filename_encoding,
    suffix: options.suffix,
    nameKey: keys.nameKey,
    nameTweak: keys.nameTweak,
  });
  return new CryptFs(":crypt", "", base, options, keys, names, await secretBox());
}
