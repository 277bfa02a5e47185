import type { CommandModule } from "yargs";
import { Stats } from "../fs/accounting/stats.js";
import { type FilterArgs, filterFlags } from "../fs/filter/flags.js";
import { assertNoDifferences } from "../fs/sync/check.js";
import { cryptCheck } from "../overlays/crypt/cryptcheck.js";
import { openCheckPair, openReports, type ReportArgs, reportFlags } from "./check.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs, ReportArgs {
  source: string;
  dest: string;
}

/** `cryptcheck`: checks a plaintext tree against a crypt remote by hashes of the encrypted data. */
const command: CommandModule<object, Args> = {
  command: "cryptcheck <source> <dest>",
  describe: "Cryptcheck checks the integrity of an encrypted remote",
  builder: (y) =>
    reportFlags(filterFlags(y))
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("cryptcheck", async (argv) => {
    const { src, dst, filter } = await openCheckPair(argv);
    const { report, close } = openReports(argv);
    try {
      const result = await cryptCheck(src.fs, dst, {
        stats: new Stats(),
        checkers: argv.checkers,
        filter,
        oneWay: argv["one-way"],
        report,
      });
      assertNoDifferences(result, argv["one-way"]);
    } finally {
      await close();
    }
  }),
};
export default command;
