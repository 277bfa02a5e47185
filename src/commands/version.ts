import type { CommandModule } from "yargs";
import { versionLines } from "../fs/operations/version.js";
import { type GlobalArgs, Output, run } from "./shared.js";

/** `version`: strata's version and the platform, in rclone's layout. */
const command: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "version",
  describe: "Show the version number",
  handler: run("version", async () => {
    const out = new Output();
    for (const line of versionLines()) out.line(line);
    await out.end();
  }),
};
export default command;
