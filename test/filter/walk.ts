/**
 * A reference walker over a local directory that applies a `Filter` the way rclone's directory-by-directory
 * listing does: `--exclude-if-present` per directory, `includeDirectory` to prune, `includeObject` per file.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Filter } from "../../src/fs/filter/filter.js";

export interface WalkResult {
  files: string[];
  dirs: string[];
}

export function walkFiltered(root: string, filter: Filter): WalkResult {
  const result: WalkResult = { files: [], dirs: [] };
  const visit = (dir: string) => {
    const abs = join(root, dir);
    const entries = readdirSync(abs, { withFileTypes: true });
    // The start directory is checked from its own listing; subdirectories before they are entered.
    if (dir === "" && filter.hasExcludeMarker(entries.filter((e) => e.isFile()).map((e) => e.name))) return;
    for (const e of entries) {
      const remote = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        const marked = filter.excludeIfPresent.some((name) => {
          try {
            return statSync(join(root, remote, name)).isFile();
          } catch {
            return false;
          }
        });
        if (marked || !filter.includeDirectory(remote)) continue;
        result.dirs.push(remote);
        visit(remote);
      } else if (e.isFile()) {
        const st = statSync(join(root, remote));
        if (filter.includeObject(remote, st.size, st.mtime)) result.files.push(remote);
      }
    }
  };
  visit("");
  result.files.sort();
  result.dirs.sort();
  return result;
}
