/**
 * Runs a program on a real pseudo-terminal through util-linux `script` (its stdin goes to the
 * terminal, the terminal's output comes out on its stdout), answering prompts as they appear, as a
 * user at a terminal would.
 */
import { spawn } from "node:child_process";

/**
 * Text to wait for on the terminal, then the keys to type (`\n` for Enter). The text must be the
 * prompt itself: `"\npassword:"`, not `"password:"`, which a heading above it may contain, and an
 * answer typed before the program turned echo off would show.
 */
export type Step = readonly [expect: string, answer: string];

export interface PtyResult {
  /** Everything the terminal showed, typed answers included, with `\r\n` as `\n` and colours removed. */
  transcript: string;
  code: number;
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Runs `argv` in a pty with `env` added, typing each step's answer once its text has appeared after
 * the previous step's. Fails naming the step and the transcript so far when the text does not come
 * within `timeoutMs`.
 */
export function runInPty(
  argv: readonly string[],
  steps: readonly Step[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", argv.map(quote).join(" "), "/dev/null"], {
      env: { ...process.env, TZ: "UTC", TERM: "dumb", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let seen = "";
    let searchFrom = 0;
    let step = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no ${JSON.stringify(steps[step]?.[0])} (step ${step}) after:\n${clean(seen)}`));
    }, timeoutMs);
    const advance = () => {
      for (;;) {
        const next = steps[step];
        if (!next) return;
        const at = seen.indexOf(next[0], searchFrom);
        if (at < 0) return;
        searchFrom = at + next[0].length;
        step++;
        child.stdin.write(next[1]);
      }
    };
    child.stdout.on("data", (b: Buffer) => {
      seen += b.toString("utf8");
      advance();
    });
    child.stderr.on("data", (b: Buffer) => {
      seen += b.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (step < steps.length) {
        reject(new Error(`exited ${code} before ${JSON.stringify(steps[step]?.[0])} (step ${step}):\n${clean(seen)}`));
      } else resolve({ transcript: clean(seen), code: code ?? -1 });
    });
  });
}

function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal colour sequences start with ESC
  return text.replace(/\r\n/g, "\n").replace(/\x1b\[[0-9;]*m/g, "");
}
