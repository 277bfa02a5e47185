/**
 * The questions of the `config` wizard, worded and laid out as rclone 1.60's (fs/config/ui.go):
 * letter menus, numbered choices, typed values checked against the option's type, passwords.
 */
import { randomBytes } from "node:crypto";
import type { OptionSpec } from "../fs/registry.js";
import { parseDuration, parseSize } from "../fs/units.js";
import type { Prompter } from "./prompt.js";

/** A menu entry: the key letter, then the text (`"yYes"` shows as `y) Yes`). */
export type MenuItem = string;

/**
 * Shows `items` as `x) Text` lines and reads a letter until one of them is given; Enter picks the
 * item at `defaultIndex` when there is one. Returns the letter.
 */
export async function menu(p: Prompter, items: readonly MenuItem[], defaultIndex = -1): Promise<string> {
  const letters = items.map((item) => item[0] as string);
  items.forEach((item, i) => {
    p.print(`${item[0]}) ${item.slice(1)}${i === defaultIndex ? " (default)" : ""}\n`);
  });
  for (;;) {
    const answer = (await p.line(`${letters.join("/")}> `)).toLowerCase();
    if (answer === "" && defaultIndex >= 0) return letters[defaultIndex] as string;
    if (answer === "") p.print("This value is required and it has no default.\n");
    else if (answer.length > 1) {
      p.print(`This value must be a single character, one of the following: ${letters.join(", ")}.\n`);
    } else if (letters.includes(answer)) return answer;
    else p.print(`This value must be one of the following characters: ${letters.join(", ")}.\n`);
  }
}

/** `y) Yes` / `n) No` with `yes` as the default or not. */
export async function confirm(p: Prompter, yes: boolean): Promise<boolean> {
  return (await menu(p, ["yYes", "nNo"], yes ? 0 : 1)) === "y";
}

export interface Choice {
  value: string;
  /** Shown above the value in the numbered list, when given. */
  help?: string;
}

/**
 * A numbered list of `choices` to pick by number or by value (or, with `anyValue`, anything typed).
 * Enter gives `defaultValue`, or "" when the answer is not `required`.
 */
export async function choose(
  p: Prompter,
  what: string,
  kind: string,
  choices: readonly Choice[],
  { defaultValue = "", required = false, anyValue = false } = {},
): Promise<string> {
  p.print(`Choose a number from below, or type in ${anyValue ? "your own" : "an existing"} ${kind}.\n`);
  if (defaultValue !== "") p.print(`Press Enter for the default (${defaultValue}).\n`);
  else if (!required) p.print("Press Enter to leave empty.\n");
  choices.forEach((c, i) => {
    const n = String(i + 1).padStart(2);
    if (c.help === undefined) p.print(`${n} > ${c.value}\n`);
    else p.print(`${n} / ${c.help}\n   \\ (${c.value})\n`);
  });
  for (;;) {
    const answer = await p.line(`${what}> `);
    if (/^\d+$/.test(answer)) {
      const picked = choices[Number(answer) - 1];
      if (picked) return picked.value;
      p.print("No choices with this number.\n");
    } else if (choices.some((c) => c.value === answer)) return answer;
    else if (answer === "" && (!required || defaultValue !== "")) return required ? defaultValue : "";
    else if (answer === "") p.print("This value is required and it has no default.\n");
    else if (anyValue) return answer;
    else p.print("This value must match an existing value.\n");
  }
}

/** A typed value; Enter gives `defaultValue` when required, else "" (rclone leaves it unset). */
async function enter(p: Prompter, what: string, kind: string, defaultValue: string, required: boolean) {
  if (defaultValue !== "") p.print(`Enter a ${kind}. Press Enter for the default (${defaultValue}).\n`);
  else p.print(`Enter a ${kind}.${required ? "" : " Press Enter to leave empty."}\n`);
  for (;;) {
    const answer = await p.line(`${what}> `);
    if (answer !== "" || !required) return answer;
    if (defaultValue !== "") return defaultValue;
    p.print("This value is required and it has no default.\n");
  }
}

/** What rclone calls the kind of value an option takes, in its prompts. */
function kindOf(spec: OptionSpec): string {
  if (spec.default === undefined || spec.default === "") return "value";
  if (spec.size) return "size with suffix K,M,G,T";
  if (spec.duration) return "duration s,m,h,d,w,M,y";
  if (spec.type === "boolean") return "boolean value (true or false)";
  if (spec.type === "integer") return "signed integer";
  return `${spec.type} value`;
}

/** Go's strconv.ParseBool spellings, as rclone reads booleans. */
const BOOLEANS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

/** Why `value` does not fit `spec`, or undefined when it does. */
function parseProblem(spec: OptionSpec, value: string): string | undefined {
  try {
    if (spec.size) parseSize(value);
    else if (spec.duration) parseDuration(value);
  } catch (err) {
    return (err as Error).message;
  }
  if (spec.type === "boolean" && !BOOLEANS.has(value)) return `invalid boolean "${value}"`;
  if (spec.type === "integer" && !/^[+-]?\d+$/.test(value)) return `invalid integer "${value}"`;
  if (spec.type === "number" && !Number.isFinite(Number(value))) return `invalid number "${value}"`;
  if (spec.enum && !spec.enum.map(String).includes(value)) {
    return `must be one of ${spec.enum.map((v) => JSON.stringify(String(v))).join(", ")}`;
  }
  return undefined;
}

/** How a schema value reads in a prompt (lists as rclone shows them, space-separated). */
export function shown(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(" ") : String(value);
}

/**
 * Asks for option `name`: its description, then a choice (an enum), a password, or a typed value
 * checked against its type until it fits. `current` (the value set now, when editing) is offered
 * as the default instead of the schema's. Returns the answer ("" for none), a password obscured.
 */
export async function askOption(
  p: Prompter,
  name: string,
  spec: OptionSpec,
  required: boolean,
  current: string | undefined,
  obscure: (plain: string) => string,
): Promise<string> {
  p.print(`Option ${name}.\n${spec.description.trim().replace(/\n\n/g, "\n")}\n`);
  const defaultValue = current ?? shown(spec.default);
  if (spec.obscured) return askPassword(p, current, required, obscure);
  for (;;) {
    const answer = spec.enum
      ? await choose(
          p,
          name,
          kindOf(spec),
          spec.enum.map((v) => ({ value: String(v) })),
          { defaultValue, required },
        )
      : await enter(p, name, kindOf(spec), defaultValue, required);
    const problem = answer === "" ? undefined : parseProblem(spec, answer);
    if (problem === undefined) return answer;
    p.print(`Failed to parse "${answer}": ${problem}\n`);
  }
}

/**
 * rclone's password question: type one (asked twice, hidden), generate one, or keep the current one
 * (or none, when optional). Returns the password obscured, `current` as is, or "".
 */
async function askPassword(
  p: Prompter,
  current: string | undefined,
  required: boolean,
  obscure: (plain: string) => string,
): Promise<string> {
  const items = ["yYes, type in my own password", "gGenerate random password"];
  if (current) items.push("nNo, keep existing");
  else if (!required) items.push("nNo, leave this optional password blank");
  p.print(`Choose an alternative below.${items.length > 2 ? " Press Enter for the default (n)." : ""}\n`);
  switch (await menu(p, items, items.length > 2 ? 2 : -1)) {
    case "y":
      return obscure(await newPassword(p, "the"));
    case "g":
      return obscure(await generatedPassword(p));
    default:
      return current ?? "";
  }
}

/** A password typed twice until both match (rclone's ChangePassword), e.g. `what` = "the". */
export async function newPassword(p: Prompter, what: string): Promise<string> {
  for (;;) {
    p.print(`Enter ${what} password:\n`);
    const first = await p.password("password:");
    p.print(`Confirm ${what} password:\n`);
    if ((await p.password("password:")) === first) return first;
    p.print("Passwords do not match!\n");
  }
}

/** A random password of a chosen strength (unpadded URL-safe base64 of that many random bits). */
async function generatedPassword(p: Prompter): Promise<string> {
  for (;;) {
    p.print("Password strength in bits.\n64 is just about memorable\n128 is secure\n1024 is the maximum\n");
    const bits = await number(p, "Bits", 64, 1024);
    const password = randomBytes(Math.ceil(bits / 8)).toString("base64url");
    p.print(`Your password is: ${password}\n`);
    p.print(
      "Use this password? Please note that an obscured version of this \npassword (and not the password itself) " +
        "will be stored under your \nconfiguration file, so keep this generated password in a safe place.\n",
    );
    if (await confirm(p, true)) return password;
  }
}

async function number(p: Prompter, what: string, min: number, max: number): Promise<number> {
  for (;;) {
    const answer = await p.line(`${what}> `);
    const n = Number(answer);
    if (!/^[+-]?\d+$/.test(answer)) p.print(`Bad number: invalid syntax "${answer}"\n`);
    else if (n < min || n > max) p.print(`Out of range - ${min} to ${max} inclusive\n`);
    else return n;
  }
}
