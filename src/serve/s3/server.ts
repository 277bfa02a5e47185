/**
 * `strata serve s3`: an S3 API (path-style) over an `Fs` on the shared HTTP listener; requests are
 * authenticated by their SigV4 signatures rather than the listener's Basic auth.
 */
import { FsError } from "../../fs/errors.js";
import type { ServeContext } from "../context.js";
import { startHttpServer } from "../http-server.js";
import type { StartedServer } from "../run-server.js";
import { s3Handler } from "./handler.js";
import { MultipartUploads } from "./multipart.js";
import type { AuthKeys } from "./sigv4.js";

/**
 * Serves `ctx.fs` over S3 on `ctx.options.listen` (TLS when `tls` is given). `keys` are the
 * accepted access key pairs; with none, every request is allowed (as `rclone serve s3` without
 * `--auth-key`). Stopping removes the spooled parts of unfinished multipart uploads.
 */
export async function startS3Server(
  ctx: ServeContext,
  keys: AuthKeys,
  tls: { cert: Buffer; key: Buffer } | undefined,
): Promise<StartedServer> {
  const uploads = new MultipartUploads();
  // The listener's Basic auth is for --user/--pass, which S3 clients do not send.
  const open = { ...ctx, options: { ...ctx.options, credentials: undefined } };
  const server = await startHttpServer(open, tls, s3Handler(ctx, keys, uploads));
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await uploads.close();
    },
  };
}

/** Parses `--auth-key ACCESS,SECRET` values; throws `Usage` for one without a comma. */
export function parseAuthKeys(values: readonly string[]): AuthKeys {
  const keys = new Map<string, string>();
  for (const value of values) {
    const comma = value.indexOf(",");
    if (comma <= 0)
      throw new FsError("Usage", `--auth-key wants ACCESS_KEY_ID,SECRET_ACCESS_KEY, not ${JSON.stringify(value)}`);
    keys.set(value.slice(0, comma), value.slice(comma + 1));
  }
  return keys;
}
