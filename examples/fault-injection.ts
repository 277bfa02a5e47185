/**
 * Testing a program against a failing remote with the layers of "strata/testing": every other read
 * fails with a temporary error, and copyFile's callers see which. Run: npx tsx examples/fault-injection.ts
 */
import { closeAll, copyFile, fromBytes, isFsError, newFs } from "strata";
import { CountingFs, FaultFs } from "strata/testing";

const base = await newFs(":memory:flaky");
const data = new TextEncoder().encode("payload");
for (const name of ["one", "two", "three", "four"]) {
  await base.put(fromBytes(data), { remote: name, size: data.length, modTime: new Date() });
}
const flaky = new FaultFs(base, { seed: 7, rules: [{ ops: ["open"], nth: 2, fail: "transient" }] });
const dst = new CountingFs(await newFs(":memory:copies"));

for (const name of ["one", "two", "three", "four"]) {
  try {
    await copyFile(await flaky.newObject(name), dst, name);
    console.log(`${name}: copied`);
  } catch (err) {
    if (!isFsError(err, "Transient")) throw err;
    console.log(`${name}: ${err.code} (${err.retry}), worth another try`);
  }
}
console.log(`puts on the destination: ${dst.count("put")}`);
await closeAll();
