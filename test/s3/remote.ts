/** Connection strings for the s3 backend's tests against Ceph radosgw. */
import { randomBytes } from "node:crypto";
import { quoteValue } from "../../src/fs/fspath.js";
import type { CephServer } from "../servers/ceph.js";
import { sharedServer } from "../servers/shared.js";

/** A `:s3,...:` remote string for `server` rooted at `path` (a bucket, then a path in it). */
export function s3Remote(server: CephServer, path: string, extra = ""): string {
  return (
    `:s3,provider=Ceph,endpoint=${quoteValue(server.endpoint)},access_key_id=${server.accessKeyId},` +
    `secret_access_key=${server.secretAccessKey}${extra}:${path}`
  );
}

/** A new random bucket name (not created). */
export const randomBucket = () => `strata-${randomBytes(6).toString("hex")}`;

/** A remote string on this test file's shared Ceph, at a new random bucket. */
export async function sharedS3Remote(): Promise<string> {
  return s3Remote(await sharedServer("ceph"), randomBucket());
}
