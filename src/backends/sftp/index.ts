import { userInfo } from "node:os";
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The sftp options `create` receives, derived from the schema below. */
export type SftpOptions = OptionsOf<typeof schema>;

/** The login name of this process, rclone's default `user`. */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "";
  }
}

/** The sftp options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    host: { type: "string", description: "SSH host to connect to, e.g. example.com." },
    user: { type: "string", default: currentUser(), description: "SSH username." },
    port: { type: "integer", default: 22, minimum: 1, description: "SSH port number." },
    pass: { type: "string", default: "", obscured: true, secret: true, description: "SSH password." },
    key_pem: {
      type: "string",
      default: "",
      secret: true,
      description: "Raw PEM-encoded private key; takes precedence over key_file.",
      advanced: true,
    },
    key_file: {
      type: "string",
      default: "",
      description: "Path to PEM-encoded private key file (a leading ~ is the home directory).",
    },
    key_file_pass: {
      type: "string",
      default: "",
      obscured: true,
      secret: true,
      description: "The passphrase to decrypt the PEM-encoded private key file.",
    },
    known_hosts_file: {
      type: "string",
      default: "",
      description:
        "Optional path to known_hosts file; when set, a server whose host key is not in it is refused (e.g. ~/.ssh/known_hosts).",
      advanced: true,
    },
    disable_hashcheck: {
      type: "boolean",
      default: false,
      description: "Disable the execution of SSH commands to determine if remote file hashing is available.",
    },
    set_modtime: {
      type: "boolean",
      default: true,
      description: "Set the modified time on the remote if set.",
      advanced: true,
    },
    shell_type: {
      type: "string",
      enum: ["", "unix", "none"],
      default: "",
      description: 'The type of SSH shell on remote server: "unix", "none" (no commands), or empty to detect.',
      advanced: true,
    },
    md5sum_command: {
      type: "string",
      default: "",
      description: 'The command used to read md5 hashes; empty to detect, "none" to disable.',
      advanced: true,
    },
    sha1sum_command: {
      type: "string",
      default: "",
      description: 'The command used to read sha1 hashes; empty to detect, "none" to disable.',
      advanced: true,
    },
    skip_links: {
      type: "boolean",
      default: false,
      description: "Set to skip any symlinks and any other non regular files.",
      advanced: true,
    },
    idle_timeout: {
      type: "number",
      duration: true,
      default: 60_000,
      description: "Max time before closing idle connections (0 keeps them open).",
      advanced: true,
    },
    chunk_size: {
      type: "integer",
      size: true,
      default: 32 * 1024,
      minimum: 1,
      description: "Upload and download chunk size (the payload of one SFTP read or write request).",
      advanced: true,
    },
    concurrency: {
      type: "integer",
      default: 64,
      minimum: 1,
      description: "The maximum number of outstanding requests for one file.",
      advanced: true,
    },
    disable_concurrent_reads: {
      type: "boolean",
      default: false,
      description: "Read each file with one request in flight, in order (for servers that cannot seek).",
      advanced: true,
    },
    disable_concurrent_writes: {
      type: "boolean",
      default: false,
      description:
        "Write each file with one request in flight, in order (rclone serve sftp without a VFS cache cannot seek).",
      advanced: true,
    },
    connections: {
      type: "integer",
      default: 0,
      minimum: 0,
      description: "Maximum number of SFTP simultaneous connections, 0 for unlimited.",
      advanced: true,
    },
  },
  required: ["host"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "sftp",
  kind: "backend",
  description: "SSH/SFTP",
  options: schema,
  async create({ name, root, options }) {
    const { openSftpFs } = await import("./fs.js");
    return openSftpFs(name, root, options);
  },
});
