/**
 * strata logs nothing unless asked. Here its messages go to the program's own sink, at INFO.
 * Run: npx tsx examples/logging.ts
 */
import { closeAll, type LogEntry, newFs, obscure, setLogLevel, setLogSink } from "strata";

const entries: LogEntry[] = [];
setLogLevel("INFO");
setLogSink((entry) => entries.push(entry));

// rclone accepts a crypt suffix without its leading dot and says so: an ERROR message.
await newFs({
  type: "crypt",
  remote: ":memory:logged",
  password: obscure("pw"),
  filename_encryption: "off",
  suffix: "bin",
});

for (const e of entries) console.log(`${e.level} ${e.object ?? "-"}: ${e.message}`);
await closeAll();
