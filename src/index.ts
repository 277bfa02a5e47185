/**
 * strata as a library: open remotes from strings or config, and run the operations the CLI runs.
 *
 *   import { newFs, walk, copyFile } from "strata";
 *   const src = await newFs("/data/photos");
 *   const dst = await newFs(":memory:backup");
 */

export { BACKENDS } from "./backends/index.js";
export * from "./fs/accounting/stats.js";
export * from "./fs/body.js";
export * from "./fs/config.js";
export * from "./fs/errors.js";
export * from "./fs/features.js";
export { Filter, type FilterOptions } from "./fs/filter/filter.js";
export * from "./fs/fspath.js";
export * from "./fs/hashes.js";
export {
  formatJsonLogLine,
  formatLogLine,
  LOG_LEVELS,
  type LogEntry,
  type LogLevel,
  type LogSink,
  setLogLevel,
  setLogSink,
  stderrLogSink,
} from "./fs/log.js";
export * from "./fs/new-fs.js";
export * from "./fs/obscure.js";
export * from "./fs/operations/copy.js";
export * from "./fs/operations/delete.js";
export * from "./fs/operations/list.js";
export * from "./fs/operations/remote-config.js";
export * from "./fs/operations/target.js";
export * from "./fs/operations/walk.js";
export * from "./fs/path.js";
export * from "./fs/registry.js";
export * from "./fs/sync/check.js";
export * from "./fs/sync/run.js";
export * from "./fs/sync/sync.js";
export * from "./fs/types.js";
export * from "./fs/units.js";
export { OVERLAYS } from "./overlays/index.js";
export { defaultRegistry } from "./registry-defaults.js";
