/**
 * MIME types from file extensions, as rclone gets them from Go's `mime` package: a small built-in
 * table, overridden by the system's /etc/mime.types, `text/*` types with `; charset=utf-8`.
 */
import { readFileSync } from "node:fs";

const BUILTIN: Record<string, string> = {
  ".avif": "image/avif",
  ".css": "text/css; charset=utf-8",
  ".gif": "image/gif",
  ".htm": "text/html; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".mjs": "text/javascript; charset=utf-8",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".webp": "image/webp",
  ".xml": "text/xml; charset=utf-8",
};

const SYSTEM_FILES = [
  "/etc/mime.types",
  "/etc/apache2/mime.types",
  "/etc/apache/mime.types",
  "/etc/httpd/conf/mime.types",
];

let table: Map<string, string> | undefined;

function load(): Map<string, string> {
  const t = new Map(Object.entries(BUILTIN));
  for (const file of SYSTEM_FILES) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const fields = line.replace(/#.*/, "").trim().split(/\s+/);
      const type = fields[0];
      if (!type || fields.length < 2) continue;
      const full = type.startsWith("text/") && !type.includes("charset") ? `${type}; charset=utf-8` : type;
      for (const ext of fields.slice(1)) t.set(`.${ext}`, full);
    }
  }
  return t;
}

/** The MIME type for a file name (`application/octet-stream` when unknown). */
export function mimeTypeOf(name: string): string {
  table ??= load();
  const dot = name.lastIndexOf(".");
  if (dot < 0 || name.indexOf("/", dot) >= 0) return "application/octet-stream";
  const ext = name.slice(dot);
  return table.get(ext) ?? table.get(ext.toLowerCase()) ?? "application/octet-stream";
}

export const DIRECTORY_MIME = "inode/directory";
