/** SFTP paths (absolute from the served root, or relative to it) to `Fs` remotes and back. */

/**
 * The remote an SFTP path names. `..` stops at the served root, as a chroot does (`/../x` is `x`),
 * so no path leaves it. Empty and `.` segments are dropped.
 */
export function remoteOf(sftpPath: string): string {
  const out: string[] = [];
  for (const seg of sftpPath.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

/** The absolute SFTP path of a remote: the served root is `/`. */
export function sftpPathOf(remote: string): string {
  return `/${remote}`;
}

/**
 * The words of a command line as a POSIX shell would split them: whitespace separates words,
 * a backslash escapes the next character, single quotes keep everything, double quotes keep all
 * but backslash escapes and variables. Clients quote file names either way (rclone escapes with
 * backslashes). Variables (`$NAME`, `${NAME}`) are all unset, so they expand to nothing, as
 * clients probing for a Unix shell expect (rclone sends `echo ${ShellId}%ComSpec%`).
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (c === "$" && /[{A-Za-z_]/.test(line[i + 1] ?? "")) {
      const name = /^\{[^}]*\}|^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1));
      i += name ? name[0].length : 0;
      word ??= "";
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
