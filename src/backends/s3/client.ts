/** Builds the SDK client of one s3 remote from its options. */
import { createHash } from "node:crypto";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { BuildHandler, BuildHandlerArguments, MetadataBearer } from "@smithy/types";
import { FsError } from "../../fs/errors.js";
import { netTimeouts, socketTimeout } from "../../fs/net-timeouts.js";
import type { S3Options } from "./index.js";

const quiet = () => undefined;
const QUIET = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/** SDK attempts per request (the first and two retries): enough for a blip, short enough to fail fast. */
const MAX_ATTEMPTS = 3;

/**
 * An S3 client for `options`. Throws `ConfigInvalid` when only one of the two keys is given.
 * Anonymous when neither key is set and `env_auth` is off, as rclone.
 */
export function makeClient(options: S3Options): S3Client {
  const { access_key_id: id, secret_access_key: secret } = options;
  if ((id === "") !== (secret === "")) {
    throw new FsError("ConfigInvalid", "s3: access_key_id and secret_access_key must be given together");
  }
  // The pinned SDK runs on Node 20; its warning is about later SDK releases and would print on every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const config: S3ClientConfig = {
    region: options.region || "us-east-1",
    forcePathStyle: options.force_path_style,
    maxAttempts: MAX_ATTEMPTS,
    // Stream bodies would otherwise go out aws-chunked with a trailing checksum, which Ceph RGW 16
    // and other S3 clones refuse (411) or store framing and all.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // rclone's --contimeout and --timeout (a socket with a request outstanding and nothing moving).
    requestHandler: {
      connectionTimeout: socketTimeout(netTimeouts().connectMs),
      socketTimeout: socketTimeout(netTimeouts().idleMs),
    },
    // The SDK prints a warning to the console for each failed streaming upload unless given a logger of
    // its own; the failure reaches the caller as an error anyway.
    logger: QUIET,
  };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (id !== "") config.credentials = { accessKeyId: id, secretAccessKey: secret };
  else if (!options.env_auth) config.signer = { sign: async (request) => request };
  const client = new S3Client(config);
  addContentMd5(client);
  return client;
}

/**
 * Operations the SDK sends with a CRC32 checksum (DeleteObjects) also get Content-MD5, which older S3
 * implementations (Swift's s3api, older Ceph) require and the others accept.
 */
function addContentMd5(client: S3Client): void {
  client.middlewareStack.addRelativeTo(
    (next: BuildHandler<object, MetadataBearer>) => async (args: BuildHandlerArguments<object>) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown } | undefined;
      const headers = request?.headers;
      const body = request?.body;
      if (
        headers &&
        !headers["content-md5"] &&
        Object.keys(headers).some((h) => h.toLowerCase().startsWith("x-amz-checksum-")) &&
        (typeof body === "string" || body instanceof Uint8Array)
      ) {
        headers["content-md5"] = createHash("md5").update(body).digest("base64");
      }
      return next(args);
    },
    { relation: "before", toMiddleware: "httpSigningMiddleware", name: "strataContentMd5" },
  );
}
