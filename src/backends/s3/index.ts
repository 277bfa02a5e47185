import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The s3 options `create` receives, derived from the schema below. */
export type S3Options = OptionsOf<typeof schema>;

const MiB = 1024 * 1024;

/** The s3 options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    provider: {
      type: "string",
      default: "",
      description: "The S3 provider (AWS, Ceph, Minio, Other, ...); kept for rclone.conf compatibility.",
    },
    env_auth: {
      type: "boolean",
      default: false,
      description:
        "Get AWS credentials from the runtime (environment variables, shared config, instance metadata) when access_key_id and secret_access_key are blank.",
    },
    access_key_id: {
      type: "string",
      default: "",
      description: "AWS Access Key ID. Leave blank for anonymous access or runtime credentials.",
    },
    secret_access_key: {
      type: "string",
      default: "",
      secret: true,
      description: "AWS Secret Access Key (password). Leave blank for anonymous access or runtime credentials.",
    },
    region: {
      type: "string",
      default: "",
      description: "Region to connect to; blank means us-east-1, which S3 clones accept.",
    },
    endpoint: {
      type: "string",
      default: "",
      description: "Endpoint for the S3 API (required for S3 clones, e.g. http://127.0.0.1:7480).",
    },
    force_path_style: {
      type: "boolean",
      default: true,
      description: "Use path style access (http://host/bucket/key) instead of virtual hosted style.",
      advanced: true,
    },
    acl: {
      type: "string",
      default: "",
      description: "Canned ACL used when creating buckets and storing or copying objects.",
    },
    storage_class: {
      type: "string",
      default: "",
      description: "The storage class to use when storing new objects.",
    },
    upload_cutoff: {
      type: "integer",
      size: true,
      default: 200 * MiB,
      minimum: 0,
      description: "Cutoff for switching to chunked (multipart) upload.",
      advanced: true,
    },
    chunk_size: {
      type: "integer",
      size: true,
      default: 5 * MiB,
      minimum: 5 * MiB,
      description: "Chunk size to use for uploading (the part size of multipart uploads; S3's minimum is 5Mi).",
      advanced: true,
    },
    upload_concurrency: {
      type: "integer",
      default: 4,
      minimum: 1,
      description: "Concurrency for multipart uploads: parts of one file sent at once.",
      advanced: true,
    },
    copy_cutoff: {
      type: "integer",
      size: true,
      default: 4999610368,
      minimum: 1,
      description: "Cutoff for switching to multipart copy; also the part size of such copies.",
      advanced: true,
    },
    no_check_bucket: {
      type: "boolean",
      default: false,
      description: "Don't check or create the bucket before writing to it (when it is known to exist).",
      advanced: true,
    },
  },
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "s3",
  kind: "backend",
  description: "Amazon S3 compliant storage (AWS, Ceph, MinIO, ...)",
  options: schema,
  async create({ name, root, options }) {
    const { S3Fs } = await import("./fs.js");
    return new S3Fs(name, root, options);
  },
});
