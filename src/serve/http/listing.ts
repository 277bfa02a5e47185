/** The HTML page `serve http` answers for a directory: its entries sorted, with sizes, modtimes and links. */
import { baseName, parentOf } from "../../fs/path.js";
import type { Entry } from "../../fs/types.js";
import { formatBytes } from "../../fs/units.js";
import { urlPathOf } from "../request-path.js";

/** Text made safe to stand in HTML content and in double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Directories first, then files, each by name in code-point order (as rclone sorts listings). */
function byKindThenName(a: Entry, b: Entry): number {
  if (a.kind !== b.kind) return a.kind === "dir" ? -1 : 1;
  return a.remote < b.remote ? -1 : a.remote > b.remote ? 1 : 0;
}

/** `2021-03-04 05:06:07` in UTC. */
function shownTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

function row(entry: Entry): string {
  const dir = entry.kind === "dir";
  const name = baseName(entry.remote) + (dir ? "/" : "");
  const size = dir ? "-" : formatBytes(entry.size);
  const href = escapeHtml(urlPathOf(entry.remote, dir));
  return (
    `<tr><td class="name"><a href="${href}">${escapeHtml(name)}</a></td>` +
    `<td class="size" data-bytes="${dir ? -1 : entry.size}">${size}</td>` +
    `<td class="modtime">${shownTime(entry.modTime)}</td></tr>`
  );
}

/** The listing page of directory `dir` (`""` for the root) holding `entries`. */
export function listingPage(dir: string, entries: readonly Entry[]): string {
  const title = escapeHtml(`Directory listing of /${dir}`);
  const up =
    dir === ""
      ? ""
      : `<tr><td class="name"><a href="${escapeHtml(urlPathOf(parentOf(dir), true))}">../</a></td><td></td><td></td></tr>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { padding: 0.25em 1em; text-align: left; }
td.size { text-align: right; }
tr:nth-child(even) { background: #f2f2f2; }
</style>
</head>
<body>
<h1>${title}</h1>
<table>
<thead><tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr></thead>
<tbody>
${up}${[...entries].sort(byKindThenName).map(row).join("\n")}
</tbody>
</table>
</body>
</html>
`;
}
