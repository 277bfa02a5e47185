/** rclone 1.60's crypt fixtures through the pure-JS fallback (@noble/ciphers). */
import { readFixtures } from "./read-fixtures.js";

process.env.STRATA_CRYPT_IMPL = "js";
readFixtures("js");
