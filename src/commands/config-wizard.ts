/**
 * `strata config` with no action: rclone 1.60's interactive editor. A menu over the remotes (edit,
 * new, delete, rename, copy, set the config password, quit); a new remote asks its name, its type
 * from the registry, then each option of the type's schema with its default, passwords obscured.
 * Every change is saved to the config file when it is confirmed.
 */
import type { ConfigStore, RemoteConfig } from "../fs/config.js";
import { isFsError } from "../fs/errors.js";
import { isValidRemoteName } from "../fs/fspath.js";
import { obscure } from "../fs/obscure.js";
import { deleteRemote, setRemote } from "../fs/operations/remote-config.js";
import type { Descriptor } from "../fs/registry.js";
import { defaultRegistry } from "../registry-defaults.js";
import { askOption, choose, confirm, menu, newPassword, shown } from "./config-prompts.js";
import type { Prompter } from "./prompt.js";

/** The types the CLI knows: every backend and overlay. */
const registry = defaultRegistry();

/** Runs the editor until the user quits. */
export async function configWizard(store: ConfigStore, p: Prompter): Promise<void> {
  for (;;) {
    const names = store.names();
    const items = ["eEdit existing remote", "nNew remote", "dDelete remote", "rRename remote", "cCopy remote"];
    // Only an rclone.conf can be encrypted.
    if (store.format === "ini") items.push("sSet configuration password");
    items.push("qQuit config");
    if (names.length > 0) {
      p.print("Current remotes:\n\n");
      p.print(`${"Name".padEnd(20)} Type\n${"====".padEnd(20)} ====\n`);
      for (const n of names) p.print(`${n.padEnd(20)} ${store.get(n)?.type ?? ""}\n`);
      p.print("\n");
    } else {
      p.print("No remotes found, make a new one?\n");
    }
    const action = await menu(p, names.length > 0 ? items : items.filter((i) => "nsq".includes(i[0] as string)));
    if (action === "q") return;
    p.print("\n");
    switch (action) {
      case "n":
        await newRemote(store, p, await newName(store, p));
        break;
      case "e": {
        const name = await pickRemote(store, p);
        await editRemote(store, p, name, { ...(store.stored(name) ?? store.get(name)) } as RemoteConfig);
        break;
      }
      case "d":
        await deleteRemote(store, await pickRemote(store, p));
        break;
      case "r":
      case "c":
        await copyRemote(store, p, await pickRemote(store, p), action === "r");
        break;
      case "s":
        await passwordMenu(store, p);
        break;
    }
    p.print("\n");
  }
}

/** Asks for a name no remote has yet, until a valid one is given. */
async function newName(store: ConfigStore, p: Prompter): Promise<string> {
  for (;;) {
    p.print("Enter name for new remote.\n");
    const name = await p.line("name> ");
    if (store.get(name)) p.print(`Remote "${name}" already exists.\n`);
    else if (name === "") p.print("Can't use empty name.\n");
    else if (!isValidRemoteName(name)) p.print(`Can't use "${name}" as config name contains invalid characters.\n`);
    else return name;
  }
}

async function pickRemote(store: ConfigStore, p: Prompter): Promise<string> {
  p.print("Select remote.\n");
  const name = await choose(
    p,
    "remote",
    "value",
    store.names().map((value) => ({ value })),
    { required: true },
  );
  p.print("\n");
  return name;
}

/** Asks the type (rclone's numbered list, by description), then the options. */
async function newRemote(store: ConfigStore, p: Prompter, name: string): Promise<void> {
  const descriptors = await Promise.all(registry.types().map((t) => registry.descriptor(t)));
  descriptors.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  p.print("\nOption Storage.\nType of storage to configure.\n");
  let type: string;
  for (;;) {
    type = await choose(
      p,
      "Storage",
      "value",
      descriptors.map((d) => ({ value: d.name, help: d.description })),
      { required: true, anyValue: true },
    );
    if (descriptors.some((d) => d.name === type)) break;
    p.print(`Bad remote "${type}": didn't find backend called "${type}"\n`);
  }
  p.print("\n");
  await editRemote(store, p, name, { type }, false);
}

/**
 * Asks every option of the remote's type (the advanced ones only if wanted), showing `values` as
 * the current answers, then shows the result and saves it once the user keeps it. A value the
 * schema refuses is reported and the questions start again.
 */
async function editRemote(
  store: ConfigStore,
  p: Prompter,
  name: string,
  values: RemoteConfig,
  existing = true,
): Promise<void> {
  const descriptor = await registry.descriptor(values.type);
  if (existing) {
    p.print(`Editing existing "${name}" remote with options:\n`);
    listOptions(p, descriptor, values);
    p.print("\n");
  }
  for (;;) {
    await askOptions(p, descriptor, values, false);
    if (Object.values(descriptor.options.properties).some((s) => s.advanced)) {
      p.print("Edit advanced config?\n");
      if (await confirm(p, false)) {
        p.print("\n");
        await askOptions(p, descriptor, values, true);
      }
      p.print("\n");
    }
    p.print("Configuration complete.\nOptions:\n");
    listOptions(p, descriptor, values);
    p.print(`Keep this "${name}" remote?\n`);
    const answer = await menu(p, ["yYes this is OK", "eEdit this remote", "dDelete this remote"], 0);
    if (answer === "d") {
      if (store.stored(name)) await deleteRemote(store, name);
      return;
    }
    if (answer === "y") {
      try {
        const { type, ...options } = values;
        const strings = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, shown(v)]));
        await setRemote(store, name, type, strings, { noObscure: true });
        return;
      } catch (err) {
        if (!isFsError(err, "ConfigInvalid")) throw err;
        p.print(`Error: ${err.message}\n`);
      }
    }
    p.print("\n");
  }
}

async function askOptions(p: Prompter, d: Descriptor, values: RemoteConfig, advanced: boolean): Promise<void> {
  const required = new Set(d.options.required ?? []);
  for (const [key, spec] of Object.entries(d.options.properties)) {
    if ((spec.advanced ?? false) !== advanced) continue;
    const current = values[key] === undefined ? undefined : shown(values[key]);
    // A password without a default cannot be left out (crypt's): rclone marks those required.
    const needed = required.has(key) || (spec.obscured === true && spec.default === undefined);
    const answer = await askOption(p, key, spec, needed, current, obscure);
    if (answer !== "") values[key] = answer;
    p.print("\n");
  }
}

/** `- key: value` lines as rclone lists a remote, passwords hidden. */
function listOptions(p: Prompter, d: Descriptor, values: RemoteConfig): void {
  for (const [key, value] of Object.entries(values)) {
    const hidden = d.options.properties[key]?.obscured && value !== "";
    p.print(`- ${key}: ${hidden ? "*** ENCRYPTED ***" : shown(value)}\n`);
  }
}

/** Copies a remote under a new name, removing the old one for a rename. */
async function copyRemote(store: ConfigStore, p: Prompter, name: string, rename: boolean): Promise<void> {
  p.print(rename ? `Enter new name for "${name}" remote.\n` : `Enter name for copy of "${name}" remote.\n`);
  const target = await newName(store, p);
  store.set(target, { ...(store.stored(name) as RemoteConfig) });
  if (rename) store.delete(name);
  await store.save();
}

/** rclone's "Set configuration password" menu: add, change or remove the config file's encryption. */
async function passwordMenu(store: ConfigStore, p: Prompter): Promise<void> {
  for (;;) {
    if (!store.encrypted) {
      p.print("Your configuration is not encrypted.\n");
      p.print("If you add a password, you will protect your login information to cloud services.\n");
      if ((await menu(p, ["aAdd Password", "qQuit to main menu"])) === "q") return;
      await store.setPassword(await newPassword(p, "NEW configuration"));
      p.print("Password set\n");
      continue;
    }
    p.print("Your configuration is encrypted.\n");
    const action = await menu(p, ["cChange Password", "uUnencrypt configuration", "qQuit to main menu"]);
    if (action === "q") return;
    if (action === "u") {
      await store.setPassword(undefined);
      continue;
    }
    await store.setPassword(await newPassword(p, "NEW configuration"));
    p.print("Password changed\n");
  }
}
