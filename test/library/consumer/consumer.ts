// A program using the installed package, as a user's would: type-checked with skipLibCheck off.
import {
  assertNoDifferences,
  check,
  closeAll,
  type FsError,
  fromBytes,
  isFsError,
  type LogEntry,
  newFs,
  obscure,
  runSync,
  Stats,
  setLogSink,
} from "strata";
import { CountingFs } from "strata/testing";

// A crypt suffix without its dot is logged at ERROR: nothing may reach stderr without a sink.
const cryptSpec = (name: string) =>
  ({
    type: "crypt",
    remote: `:memory:${name}`,
    password: obscure("pw"),
    filename_encryption: "off",
    suffix: "bin",
  }) as const;
await newFs(cryptSpec("silent"));
const entries: LogEntry[] = [];
setLogSink((e) => entries.push(e));
const dst = new CountingFs(await newFs(cryptSpec("heard")));

const src = await newFs(":memory:src");
const data = new TextEncoder().encode("hello from a consumer");
await src.put(fromBytes(data), { remote: "a/hello.txt", size: data.length, modTime: new Date(0) });
const stats = new Stats();
await runSync("copy", src, dst, { stats });
const result = await check(src, dst, { stats: new Stats(), download: true });
assertNoDifferences(result);
try {
  await dst.newObject("missing");
} catch (err) {
  if (!isFsError(err, "ObjectNotFound")) throw err;
  const typed: FsError = err;
  console.log(`missing: ${typed.code}`);
}
console.log(`copied ${stats.transfers}, matched ${result.matches}, puts ${dst.count("put")}`);
console.log(`logged the suffix: ${entries.some((e) => e.level === "ERROR" && e.object === "crypt")}`);
await closeAll();
