/**
 * Seeded fault injection for reliability tests: fail the Nth (or a ratio of) operations of a kind with
 * transient or permanent errors, add latency, fail or corrupt a read at a byte, fail a write at a byte,
 * or make the whole remote vanish.
 */
import { FsError } from "../errors.js";
import type { Body, OpenOptions } from "../types.js";
import { LayerFs, type OpKind } from "./layer.js";

export interface FaultRule {
  /** Operation kinds the rule applies to. */
  ops: readonly OpKind[];
  /** Only paths matching this (prefix string or RegExp). */
  path?: string | RegExp;
  /** Fire on the Nth matching operation only (1-based). */
  nth?: number;
  /** Fire on this share of matching operations (seeded). Default: every one, unless `nth` is set. */
  ratio?: number;
  /** Fire at most this many times. */
  times?: number;
  /** Throw before the operation runs. */
  fail?: "transient" | "permanent";
  /** Delay the operation by this many milliseconds. */
  latencyMs?: number;
  /** open: the body throws a transient error after this many bytes. put: the write body does. */
  failAtByte?: number;
  /** open: the body ends early after this many bytes. */
  truncateAt?: number;
  /** open: the byte at this offset of the body is inverted. */
  flipAt?: number;
}

export interface FaultOptions {
  seed?: number;
  rules?: FaultRule[];
}

/** mulberry32: a seeded generator of numbers in [0, 1); small, fast, repeatable (fault schedules, test data). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultFs extends LayerFs {
  private readonly random: () => number;
  private readonly rules: RuleState[] = [];
  private vanished = false;
  /** Faults fired so far, as `kind path` strings, for test diagnostics. */
  readonly log: string[] = [];
  // A failing source must fail server-side copies too, so they stream through the faults.
  override readonly serverSideThrough = false;

  constructor(inner: ConstructorParameters<typeof LayerFs>[0], options: FaultOptions = {}) {
    super(inner);
    this.random = seededRandom(options.seed ?? 1);
    for (const rule of options.rules ?? []) this.addRule(rule);
  }

  addRule(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, fired: 0 });
  }

  clearRules(): void {
    this.rules.length = 0;
  }

  /** Every operation fails with a transient error until `restore` (a server that went away). */
  vanish(): void {
    this.vanished = true;
  }

  restore(): void {
    this.vanished = false;
  }

  /** Rules that fire for this operation now (advancing their counters). */
  private firing(kind: OpKind, remote: string): FaultRule[] {
    const out: FaultRule[] = [];
    for (const s of this.rules) {
      const { rule } = s;
      if (!rule.ops.includes(kind)) continue;
      if (
        rule.path !== undefined &&
        !(typeof rule.path === "string" ? remote.startsWith(rule.path) : rule.path.test(remote))
      )
        continue;
      s.seen++;
      if (rule.times !== undefined && s.fired >= rule.times) continue;
      if (rule.nth !== undefined && s.seen !== rule.nth) continue;
      if (rule.ratio !== undefined && this.random() >= rule.ratio) continue;
      s.fired++;
      this.log.push(`${kind} ${remote}`);
      out.push(rule);
    }
    return out;
  }

  protected override async call<T>(kind: OpKind, remote: string, run: () => Promise<T>): Promise<T> {
    if (this.vanished) throw new FsError("Transient", "remote vanished (fault injection)", { path: remote });
    for (const rule of this.firing(kind, remote)) {
      if (rule.latencyMs) await sleep(rule.latencyMs);
      if (rule.fail) {
        throw new FsError(rule.fail === "transient" ? "Transient" : "Other", `injected ${rule.fail} ${kind} error`, {
          path: remote,
        });
      }
      if (kind === "open") this.pendingRead.set(remote, rule);
      if (kind === "put" || kind === "putStream") this.pendingWrite.set(remote, rule);
    }
    return run();
  }

  private readonly pendingRead = new Map<string, FaultRule>();
  private readonly pendingWrite = new Map<string, FaultRule>();

  protected override wrapRead(remote: string, body: Body, _options?: OpenOptions): Body {
    const rule = this.pendingRead.get(remote);
    if (!rule) return body;
    this.pendingRead.delete(remote);
    return corrupt(body, rule, remote);
  }

  protected override wrapWrite(remote: string, body: Body): Body {
    const rule = this.pendingWrite.get(remote);
    if (!rule || rule.failAtByte === undefined) return body;
    this.pendingWrite.delete(remote);
    return corrupt(body, { ops: [], failAtByte: rule.failAtByte }, remote);
  }
}

async function* corrupt(body: Body, rule: FaultRule, remote: string): Body {
  let at = 0;
  for await (const chunk of body) {
    let part = chunk;
    const end = at + part.length;
    if (rule.truncateAt !== undefined && end > rule.truncateAt) {
      if (rule.truncateAt > at) yield part.subarray(0, rule.truncateAt - at);
      return;
    }
    if (rule.failAtByte !== undefined && end > rule.failAtByte) {
      if (rule.failAtByte > at) yield part.subarray(0, rule.failAtByte - at);
      throw new FsError("Transient", `injected failure at byte ${rule.failAtByte}`, { path: remote });
    }
    if (rule.flipAt !== undefined && rule.flipAt >= at && rule.flipAt < end) {
      part = Uint8Array.from(part);
      part[rule.flipAt - at] = (part[rule.flipAt - at] as number) ^ 0xff;
    }
    at = end;
    yield part;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
