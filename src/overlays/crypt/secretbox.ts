/**
 * NaCl secretbox (XSalsa20-Poly1305, tag first) for file blocks: libsodium through `sodium-native`
 * when its prebuilt binding loads, else the pure-JS `@noble/ciphers`, after a one-time notice.
 * `STRATA_CRYPT_IMPL=js` forces the JS path (tests run the fixtures on both), `=native` forbids the
 * fallback.
 */
import { FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";

export const TAG_BYTES = 16;

export interface SecretBox {
  readonly impl: "native" | "js";
  /** Writes `tag ‖ ciphertext` of `plain` to `out` (`plain.length + 16` bytes). */
  seal(out: Uint8Array, plain: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  /**
   * Writes the plaintext of `box` to `out` (`box.length - 16` bytes); false when it does not
   * authenticate. `out` may overlap `box` (decryption in place), starting at or before it.
   */
  open(out: Uint8Array, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** One implementation by name (tests run both). Throws when it cannot load. */
export function loadSecretBox(impl: SecretBox["impl"]): Promise<SecretBox> {
  return impl === "native" ? nativeBox() : jsBox();
}

async function nativeBox(): Promise<SecretBox> {
  const sodium = (await import("sodium-native")).default;
  return {
    impl: "native",
    seal(out, plain, nonce, key) {
      sodium.crypto_secretbox_easy(asBuffer(out), asBuffer(plain), asBuffer(nonce), asBuffer(key));
    },
    open(out, box, nonce, key) {
      return sodium.crypto_secretbox_open_easy(asBuffer(out), asBuffer(box), asBuffer(nonce), asBuffer(key));
    },
  };
}

async function jsBox(): Promise<SecretBox> {
  const { xsalsa20poly1305 } = await import("@noble/ciphers/salsa.js");
  return {
    impl: "js",
    seal(out, plain, nonce, key) {
      out.set(xsalsa20poly1305(key, nonce).encrypt(plain));
    },
    open(out, box, nonce, key) {
      let plain: Uint8Array;
      try {
        plain = xsalsa20poly1305(key, nonce).decrypt(box);
      } catch {
        return false;
      }
      out.set(plain);
      return true;
    },
  };
}

let chosen: Promise<SecretBox> | undefined;

/** The implementation for this process, chosen once. */
export function secretBox(): Promise<SecretBox> {
  chosen ??= choose(process.env.STRATA_CRYPT_IMPL);
  return chosen;
}

async function choose(wanted: string | undefined): Promise<SecretBox> {
  if (wanted === "js") return jsBox();
  try {
    return await nativeBox();
  } catch (err) {
    if (wanted === "native") {
      throw new FsError("ConfigInvalid", `crypt: STRATA_CRYPT_IMPL=native but sodium-native did not load`, {
        cause: err,
      });
    }
    log.notice(
      "crypt",
      `native libsodium (sodium-native) did not load (${(err as Error).message}); using the slower pure-JS cipher`,
    );
    return jsBox();
  }
}
