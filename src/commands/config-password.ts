/**
 * Where the CLI gets the password of an encrypted config, in rclone's order: `--password-command`,
 * else `STRATA_CONFIG_PASS` / `RCLONE_CONFIG_PASS`, else a prompt when stdin is a terminal.
 */
import { spawnSync } from "node:child_process";
import { envConfigPassword, type LoadOptions } from "../fs/config.js";
import { FsError } from "../fs/errors.js";
import { Prompter } from "./prompt.js";

/**
 * Splits a `--password-command` value as rclone's space-separated lists are (Go's CSV reader with a
 * space as separator): one space between words, a word in double quotes may hold spaces, and `""`
 * inside quotes stands for one `"`. Throws `Usage` on a stray quote.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let at = 0;
  while (at <= text.length) {
    if (text[at] === '"') {
      let word = "";
      let from = at + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw badQuote(text);
        word += text.slice(from, q);
        if (text[q + 1] !== '"') {
          at = q + 1;
          break;
        }
        word += '"';
        from = q + 2;
      }
      if (at < text.length && text[at] !== " ") throw badQuote(text);
      words.push(word);
    } else {
      const space = text.indexOf(" ", at);
      const end = space < 0 ? text.length : space;
      const word = text.slice(at, end);
      if (word.includes('"')) throw badQuote(text);
      words.push(word);
      at = end;
    }
    at++;
  }
  return words;
}

function badQuote(text: string): FsError {
  return new FsError("Usage", `invalid argument "${text}" for "--password-command" flag: extraneous or missing "`);
}

/**
 * Runs the password command (stdin passed through, so it can ask the user) and returns what it
 * printed without line ends. Throws `ConfigInvalid` when it fails or prints nothing.
 */
export function runPasswordCommand(command: string): string {
  const [program, ...args] = splitCommand(command);
  const result = spawnSync(program as string, args, { stdio: ["inherit", "pipe", "pipe"], encoding: "utf8" });
  const stderr = result.stderr?.trim();
  const failure = result.error ? result.error.message : result.status !== 0 ? `exit status ${result.status}` : "";
  if (failure !== "") {
    throw new FsError("ConfigInvalid", `password command failed: ${failure}${stderr ? `: ${stderr}` : ""}`);
  }
  const password = result.stdout.replace(/^[\r\n]+|[\r\n]+$/g, "");
  if (password === "") throw new FsError("ConfigInvalid", "password command returned an empty string");
  return password;
}

/** Asks for the password on the terminal (stderr, as rclone), or undefined when stdin is no terminal. */
async function askPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const prompter = new Prompter(process.stdin, process.stderr);
  try {
    prompter.print("Enter configuration password:\n");
    return await prompter.password("password:");
  } finally {
    prompter.close();
  }
}

/**
 * The `ConfigStore.load` options for a command line's `--password-command` and `--ask-password`
 * (false: never prompt, as rclone's `--ask-password=false`).
 */
export function configLoadOptions(
  passwordCommand: string | undefined,
  ask = true,
  env: NodeJS.ProcessEnv = process.env,
): LoadOptions {
  return {
    password: async () => {
      if (passwordCommand) return runPasswordCommand(passwordCommand);
      return envConfigPassword(env) ?? (ask ? await askPassword() : undefined);
    },
  };
}
