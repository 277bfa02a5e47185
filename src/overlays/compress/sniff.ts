/**
 * The `MimeType` rclone records, which it sniffs from the first ≤ 1 MiB with gabriel-vasile/mimetype.
 * Informational only (nothing reads it back), so this covers what most files are: a few magic numbers,
 * JSON, UTF-8 text, and `application/octet-stream` for the rest. Pure: no Fs.
 */

const MAGIC: [number[], string][] = [
  [[0x1f, 0x8b, 0x08], "application/gzip"],
  [[0x28, 0xb5, 0x2f, 0xfd], "application/zstd"],
  [[0x50, 0x4b, 0x03, 0x04], "application/zip"],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "application/pdf"],
  [[0x7f, 0x45, 0x4c, 0x46], "application/x-elf"],
];

/** Bytes mimetype treats as binary: C0 controls other than \t \n \f \r and ESC. */
const isBinaryByte = (b: number) => b < 0x09 || b === 0x0b || (b >= 0x0e && b < 0x1b) || (b >= 0x1c && b < 0x20);

/** The MIME type of content starting with `head`. Empty content is "text/plain", as rclone records it. */
export function sniffMime(head: Uint8Array): string {
  if (head.length === 0) return "text/plain";
  for (const [magic, type] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return type;
  }
  if (head.some(isBinaryByte)) return "application/octet-stream";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      JSON.parse(text);
      return "application/json";
    } catch {
      // Not (complete) JSON: plain text below.
    }
  }
  return isUtf8Prefix(head) ? "text/plain; charset=utf-8" : "text/plain; charset=iso-8859-1";
}

/** Valid UTF-8, allowing a sequence cut off at the end (the head is a prefix of the file). */
function isUtf8Prefix(b: Uint8Array): boolean {
  let cut = b.length;
  // Back up over at most 3 bytes of an unfinished trailing sequence.
  for (let i = b.length - 1; i >= Math.max(0, b.length - 3); i--) {
    const c = b[i] as number;
    if ((c & 0xc0) !== 0x80) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      if (i + need > b.length) cut = i;
      break;
    }
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(0, cut));
    return true;
  } catch {
    return false;
  }
}
