/**
 * Every command, in `strata --help` order (alphabetical, as `rclone help` lists them), by name with
 * a loader. A run imports only the module of the command it runs: the others' bodies (and what they
 * import: servers, mount, cloud SDKs) would cost start-up time for nothing.
 */
import type { CommandModule } from "yargs";

/** A command's name (the first word of its yargs `command` string) and how to import its module. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<CommandModule>;
}

// Each module types its own arguments; yargs only needs the common shape.
const entry = (name: string, load: () => Promise<{ default: unknown }>): CommandEntry => ({
  name,
  load: async () => (await load()).default as CommandModule,
});

/** The command table. Each name equals its module's command name (a test holds them together). */
export const commandTable: readonly CommandEntry[] = [
  entry("about", () => import("./about.js")),
  entry("cat", () => import("./cat.js")),
  entry("check", () => import("./check.js")),
  entry("checksum", () => import("./checksum.js")),
  entry("cleanup", () => import("./cleanup.js")),
  entry("__complete", () => import("./complete.js")),
  entry("completion", () => import("./completion.js")),
  entry("config", () => import("./config.js")),
  entry("copy", () => import("./copy.js")),
  entry("copyto", () => import("./copyto.js")),
  entry("copyurl", () => import("./copyurl.js")),
  entry("cryptcheck", () => import("./cryptcheck.js")),
  entry("cryptdecode", () => import("./cryptdecode.js")),
  entry("dedupe", () => import("./dedupe.js")),
  entry("delete", () => import("./delete.js")),
  entry("deletefile", () => import("./deletefile.js")),
  entry("erasure", () => import("./erasure.js")),
  entry("hashsum", () => import("./hashsum.js")),
  entry("help", () => import("./help.js")),
  entry("listremotes", () => import("./listremotes.js")),
  entry("ls", () => import("./ls.js")),
  entry("lsd", () => import("./lsd.js")),
  entry("lsf", () => import("./lsf.js")),
  entry("lsjson", () => import("./lsjson.js")),
  entry("lsl", () => import("./lsl.js")),
  entry("md5sum", () => import("./md5sum.js")),
  entry("mkdir", () => import("./mkdir.js")),
  entry("mount", () => import("./mount.js")),
  entry("move", () => import("./move.js")),
  entry("moveto", () => import("./moveto.js")),
  entry("obscure", () => import("./obscure.js")),
  entry("purge", () => import("./purge.js")),
  entry("rcat", () => import("./rcat.js")),
  entry("reveal", () => import("./reveal.js")),
  entry("rmdir", () => import("./rmdir.js")),
  entry("rmdirs", () => import("./rmdirs.js")),
  entry("serve", () => import("./serve.js")),
  entry("sha1sum", () => import("./sha1sum.js")),
  entry("size", () => import("./size.js")),
  entry("sync", () => import("./sync.js")),
  entry("touch", () => import("./touch.js")),
  entry("tree", () => import("./tree.js")),
  entry("version", () => import("./version.js")),
];

/** Every command module, in table order: for listings (help, usage, completion). */
export async function loadCommands(): Promise<CommandModule[]> {
  return Promise.all(commandTable.map((c) => c.load()));
}
