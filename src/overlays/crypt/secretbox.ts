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
  /** `tag ‖ ciphertext` of `plain` in a new buffer. */
  seal(plain: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** The plaintext of `box` in a new buffer, or undefined when it does not authenticate. */
  open(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | undefined;
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
    seal(plain, nonce, key) {
      const out = Buffer.allocUnsafe(plain.length + TAG_BYTES);
      sodium.crypto_secretbox_easy(out, asBuffer(plain), asBuffer(nonce), asBuffer(key));
      return out;
    },
    open(box, nonce, key) {
      const out = Buffer.allocUnsafe(box.length - TAG_BYTES);
      return sodium.crypto_secretbox_open_easy(out, asBuffer(box), asBuffer(nonce), asBuffer(key)) ? out : undefined;
    },
  };
}

async function jsBox(): Promise<SecretBox> {
  const { xsalsa20poly1305 } = await import("@noble/ciphers/salsa.js");
  return {
    impl: "js",
    seal: (plain, nonce, key) => xsalsa20poly1305(key, nonce).encrypt(plain),
    open(box, nonce, key) {
      try {
        return xsalsa20poly1305(key, nonce).decrypt(box);
      } catch {
        return undefined;
      }
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
