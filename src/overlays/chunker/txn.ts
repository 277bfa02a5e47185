/**
 * Transaction ids ("xactID") of the chunker: the suffix of temporary chunk names, and the `txn` of
 * norename metadata. Pure: no Fs import.
 */
import { randomInt } from "node:crypto";

/** What rclone reduces the Unix time modulo: keeps the time part at four base-36 digits. */
const TIME_MODULUS = 1_679_609;
/** Random part: two base-36 digits. */
const RANDOM_RANGE = 36 * 36;

/** Ids accepted when reading names: 4–9 lower-case base-36 characters. */
export const TXN_PATTERN = /^[0-9a-z]{4,9}$/;

/**
 * A new transaction id as rclone 1.60 makes one: `base36(unixSeconds mod 1679609)` padded to 4,
 * then `base36(random 0..1295)` padded to 2. `nowMs` and `random` are for tests.
 */
export function newTxnId(nowMs: number = Date.now(), random: number = randomInt(RANDOM_RANGE)): string {
  const seconds = Math.floor(nowMs / 1000);
  const time = (seconds % TIME_MODULUS).toString(36).padStart(4, "0");
  const rand = (random % RANDOM_RANGE).toString(36).padStart(2, "0");
  return time + rand;
}

/** The txn of a legacy temporary suffix (`..tmp_<10–13 decimal digits>`, rclone < 1.51). */
export function legacyTxnId(decimal: string): string {
  return BigInt(decimal).toString(36).padStart(4, "0");
}
