/**
 * Temporary names of uploads in progress, shared by the backends that write a file under one in its
 * target directory and rename it into place (local, sftp, webdav): a killed upload never shows under
 * the real name, listings hide these names, and `cleanUp` removes the ones a killed process left.
 */
import { randomBytes } from "node:crypto";

const PARTIAL = /^\.strata-[0-9a-f]{12}\.partial$/;

/** A fresh temporary name for an upload into the same directory. */
export const partialName = (): string => `.strata-${randomBytes(6).toString("hex")}.partial`;

/** True for a name `partialName` made. */
export const isPartialName = (name: string): boolean => PARTIAL.test(name);
