import type { CommandModule } from "yargs";
import { startProgress } from "../fs/accounting/progress.js";
import { Stats } from "../fs/accounting/stats.js";
import { FsError } from "../fs/errors.js";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { newFs } from "../fs/new-fs.js";
import { parseHashType } from "../fs/operations/hashsum.js";
import { openTarget } from "../fs/operations/target.js";
import { checkSums, parseSumFile } from "../fs/sync/checksum.js";
import { openReports, type ReportArgs, reportFlags } from "./check.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs, ReportArgs {
  hash: string;
  sumfile: string;
  source: string;
  download: boolean;
}

/**
 * `checksum <hash> sumfile src:path`: checks the files under src:path against a SUM file, with the
 * report flags and exit codes of `check` (1 when anything differs or is missing).
 */
const command: CommandModule<object, Args> = {
  command: "checksum <hash> <sumfile> <source>",
  describe: "Checks the files in the source against a SUM file",
  builder: (y) =>
    reportFlags(filterFlags(y))
      .option("download", {
        type: "boolean",
        default: false,
        description: "Check by hashing the contents",
      })
      .positional("hash", { type: "string", demandOption: true })
      .positional("sumfile", { type: "string", demandOption: true })
      .positional("source", { type: "string", demandOption: true }) as never,
  handler: run("checksum", async (argv) => {
    const hashType = parseHashType(argv.hash);
    const sum = await openTarget(argv.sumfile);
    if (!sum.file) throw new FsError("Usage", `not a sum file: ${sum.fs}`);
    const src = await newFs(argv.source);
    const sums = await parseSumFile(sum.file);
    const stats = new Stats();
    const stop = startProgress(stats, {});
    const { report, close } = openReports(argv);
    try {
      await checkSums(src, sums, {
        stats,
        hashType,
        download: argv.download,
        oneWay: argv["one-way"],
        filter: await Filter.create(filterOptionsFromArgs(argv)),
        checkers: argv.checkers,
        report,
      });
    } finally {
      await close();
      stop();
    }
  }),
};
export default command;
