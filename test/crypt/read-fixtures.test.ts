/** rclone 1.60's crypt fixtures through libsodium (sodium-native), the default path. */
import { readFixtures } from "./read-fixtures.js";

process.env.STRATA_CRYPT_IMPL = "native";
readFixtures("native");
