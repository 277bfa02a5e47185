/**
 * Paginated listings of a bucket. Keys come URL-encoded (`EncodingType=url`): XML 1.0 cannot carry
 * most control characters, which S3 keys may hold.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

export interface ListedKey {
  key: string;
  size: number;
  etag: string | undefined;
  lastModified: Date | undefined;
}

export interface Listing {
  /** Common prefixes one level down, each ending in the delimiter. */
  prefixes: string[];
  keys: ListedKey[];
}

/** S3's form-style URL encoding of listed names ("+" for a space). */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, " "));

/**
 * Every key under `prefix`, page by page. With `delimiter` "/", deeper keys are folded into
 * `prefixes`; without, every key below is listed. `maxKeys` stops after that many entries.
 */
export async function* listPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: { delimiter?: string; maxKeys?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Listing> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        Delimiter: options.delimiter,
        EncodingType: "url",
        ContinuationToken: token,
        MaxKeys: options.maxKeys,
      }),
      { abortSignal: options.signal },
    );
    yield {
      prefixes: (page.CommonPrefixes ?? []).map((p) => decodeKey(p.Prefix ?? "")),
      keys: (page.Contents ?? []).map((c) => ({
        key: decodeKey(c.Key ?? ""),
        size: c.Size ?? 0,
        etag: c.ETag,
        lastModified: c.LastModified,
      })),
    };
    token = options.maxKeys === undefined && page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
