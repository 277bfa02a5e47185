/**
 * Opening remotes: from a local path, from a connection string, and from a typed object; writing a
 * file and listing a tree. Run: npx tsx examples/open-remotes.ts
 */
import { closeAll, fromBytes, newFs, obscure, toBytes, walkEntries } from "strata";

// A memory remote from a connection string, and crypt over it from a typed object (passwords are
// given obscured, as in a config file).
const plain = await newFs(":memory:notes");
const secret = await newFs({
  type: "crypt",
  remote: ":memory:vault",
  password: obscure("correct horse battery staple"),
  filename_encryption: "standard",
});

const text = new TextEncoder().encode("meet at noon\n");
await secret.put(fromBytes(text), { remote: "plans/today.txt", size: text.length, modTime: new Date() });
await plain.put(fromBytes(text), { remote: "copy.txt", size: text.length, modTime: new Date() });

for await (const entry of walkEntries(secret, "")) console.log(`crypt  ${entry.kind}  ${entry.remote}`);
// The same bytes under the crypt remote, as the wrapped remote stores them: names and data encrypted.
const vault = await newFs(":memory:vault");
for await (const entry of walkEntries(vault, "")) console.log(`stored ${entry.kind}  ${entry.remote}`);

const back = await secret.newObject("plans/today.txt");
console.log(`read back: ${new TextDecoder().decode(await toBytes(await back.open()))}`.trimEnd());

// Releases connections and worker threads so the process can exit.
await closeAll();
