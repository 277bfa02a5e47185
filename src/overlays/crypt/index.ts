/**
 * crypt: encrypts file names and contents on the wrapped remote, byte-compatible with rclone 1.60's
 * crypt (see docs/crypt.md and shared/specs/crypt-format.md).
 */
import { FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The crypt options `create` receives, derived from the schema below. */
export type CryptOptions = OptionsOf<typeof schema>;

const invalid = (key: string, why: string) => new FsError("ConfigInvalid", `crypt: option "${key}" ${why}`);

/**
 * The suffix `off` mode appends, as rclone ≥ 1.63 reads the option: `none` for no suffix, a missing
 * leading dot added. Throws `ConfigInvalid` for one with a `/`.
 */
export function effectiveSuffix(suffix: string): string {
  if (suffix.toLowerCase() === "none") return "";
  if (suffix.includes("/")) throw invalid("suffix", `must not contain "/", found ${JSON.stringify(suffix)}`);
  if (suffix !== "" && !suffix.startsWith(".")) {
    log.error("crypt", `suffix "${suffix}" has no leading dot; using ".${suffix}"`);
    return `.${suffix}`;
  }
  return suffix;
}

/** The crypt options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    remote: {
      type: "string",
      description:
        'Remote to encrypt/decrypt, e.g. "myremote:path/to/dir", "myremote:bucket" or "/local/path" (not "myremote:").',
    },
    password: {
      type: "string",
      obscured: true,
      description: "Password or pass phrase for encryption (stored obscured: strata obscure).",
    },
    password2: {
      type: "string",
      obscured: true,
      default: "",
      description: "Password or pass phrase for salt (optional but recommended; stored obscured).",
    },
    filename_encryption: {
      type: "string",
      enum: ["standard", "obfuscate", "off"],
      default: "standard",
      description: "How to encrypt the filenames: standard, obfuscate (simple rotation) or off (add a suffix).",
    },
    directory_name_encryption: {
      type: "boolean",
      default: true,
      description: "Option to either encrypt directory names or leave them intact.",
    },
    filename_encoding: {
      type: "string",
      enum: ["base32", "base64", "base32768"],
      default: "base32",
      description:
        "How to encode the encrypted filename to text string: base32 (case-insensitive), base64 or base32768.",
      advanced: true,
    },
    suffix: {
      type: "string",
      default: ".bin",
      description: 'File name suffix for filename_encryption off ("none" for no suffix).',
      advanced: true,
    },
    no_data_encryption: {
      type: "boolean",
      default: false,
      description: "Option to either encrypt file data or leave it unencrypted.",
      advanced: true,
    },
    server_side_across_configs: {
      type: "boolean",
      default: false,
      description: "Allow server-side operations (e.g. copy) to work across different crypt configs.",
      advanced: true,
    },
    show_mapping: {
      type: "boolean",
      default: false,
      description: "For all files listed show how the names encrypt.",
      advanced: true,
    },
    strict_names: {
      type: "boolean",
      default: false,
      description: "Make names that cannot be decrypted an error instead of skipping them with a notice.",
      advanced: true,
    },
  },
  required: ["remote", "password"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "crypt",
  kind: "overlay",
  description: "Encrypt/Decrypt a remote",
  options: schema,
  async create({ name, options, acrossConfigs, subpath, openBelow }) {
    // rclone refuses an unset password rather than encrypt with all-zero keys.
    if (options.password === "") throw invalid("password", "is not set");
    const suffix = effectiveSuffix(options.suffix);
    const [{ deriveKeys }, { NameCipher }, { secretBox }, { CryptFs }] = await Promise.all([
      import("./keys.js"),
      import("./names.js"),
      import("./secretbox.js"),
      import("./fs.js"),
    ]);
    const keys = await deriveKeys(options.password, options.password2);
    const names = new NameCipher({
      mode: options.filename_encryption,
      dirNames: options.directory_name_encryption,
      encoding: options.filename_encoding,
      suffix,
      nameKey: keys.nameKey,
      nameTweak: keys.nameTweak,
    });
    const sub = subpath();
    const wrapped = await openBelow(options.remote, names.encryptDir(sub));
    return new CryptFs(name, sub, wrapped, options, keys, names, await secretBox(), acrossConfigs);
  },
});
