/** Every command module, in `strata --help` order. */
import type { CommandModule } from "yargs";
import config from "./config.js";
import copyto from "./copyto.js";
import help from "./help.js";
import ls from "./ls.js";
import lsjson from "./lsjson.js";
import lsl from "./lsl.js";

// Each module types its own arguments; yargs only needs the common shape.
export const commands = [ls, lsl, lsjson, copyto, config, help] as unknown as CommandModule[];
