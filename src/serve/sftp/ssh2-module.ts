/**
 * ssh2, loaded when the SFTP server first needs it. A static `import` of an external package is
 * hoisted to the top of the CLI bundle, so every command would load ssh2 (a tenth of a second) at
 * start-up; a `require` here runs only when called.
 */
import { createRequire } from "node:module";
import type Ssh2 from "ssh2";

let loaded: typeof Ssh2 | undefined;

/** The ssh2 module (CommonJS: `Server` and `utils` are properties of its exports, not named exports). */
export function ssh2Module(): typeof Ssh2 {
  loaded ??= createRequire(import.meta.url)("ssh2") as typeof Ssh2;
  return loaded;
}
