/**
 * Validates a remote's options against its descriptor's JSON Schema (ajv), after turning rclone's
 * string forms (sizes, durations, space-separated lists, "true") into typed values. Only strings are
 * parsed (rclone.conf, connection strings, flags and the environment hold nothing else); a JSON5
 * value of another type must already have the option's type, so `chunk_size: true` or `remote: 5`
 * is refused rather than read as 1 byte or as a path.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { FsError } from "./errors.js";
import { revealBytes } from "./obscure.js";
import type { Descriptor, OptionSpec } from "./registry.js";
import { parseDuration, parseSize } from "./units.js";

const compiled = new WeakMap<Descriptor, ValidateFunction>();
let ajvInstance: Promise<import("ajv").Ajv> | undefined;

/** ajv and its schema compiler cost tens of milliseconds to load: only remotes with options pay it. */
async function validatorFor(d: Descriptor): Promise<ValidateFunction> {
  let v = compiled.get(d);
  if (!v) {
    ajvInstance ??= import("ajv").then(({ Ajv }) => {
      const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: true });
      ajv.addVocabulary(["size", "duration", "list", "obscured", "secret", "advanced"]);
      return ajv;
    });
    v = (await ajvInstance).compile(d.options);
    compiled.set(d, v);
  }
  return v;
}

/** Without any option given there is nothing to check but required keys; defaults fill the rest. */
function defaultsOnly(d: Descriptor, where: string): Record<string, unknown> {
  const missing = d.options.required?.[0];
  if (missing !== undefined) {
    throw invalid(where, missing, `is required: ${d.options.properties[missing]?.description ?? ""}`.trim());
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(d.options.properties)) {
    if (spec.default !== undefined) out[key] = structuredClone(spec.default);
  }
  return out;
}

/**
 * Returns typed, defaulted options with obscured values revealed.
 * Throws `ConfigInvalid` with a message that starts with `where` and names the offending key.
 */
export async function validateOptions(
  d: Descriptor,
  raw: Record<string, unknown>,
  where: string,
): Promise<Record<string, unknown>> {
  const props = d.options.properties;
  if (Object.keys(raw).every((k) => k === "type")) return defaultsOnly(d, where);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "type") continue;
    const spec = props[key];
    if (!spec) {
      const known = Object.keys(props).join(", ");
      throw invalid(where, key, `unknown option for type "${d.name}" (known: ${known})`);
    }
    out[key] = precoerce(spec, value, where, key);
  }
  const validate = await validatorFor(d);
  if (!validate(out)) throw fromAjv(where, (validate.errors as ErrorObject[])[0] as ErrorObject, out, props);
  for (const [key, spec] of Object.entries(props)) {
    const value = out[key];
    if (spec.obscured && typeof value === "string" && value !== "") {
      try {
        out[key] = Buffer.from(revealBytes(value)).toString("utf8");
      } catch (err) {
        throw invalid(where, key, `${(err as Error).message} (store it obscured: strata obscure)`);
      }
    }
  }
  return out;
}

/** rclone's (Go's) boolean spellings, for option and flag values. */
export const BOOLEANS: Record<string, boolean> = {
  "1": true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

/** A string in rclone's form becomes the option's type; anything else is left for the schema to check. */
function precoerce(spec: OptionSpec, value: unknown, where: string, key: string): unknown {
  if (spec.list && Array.isArray(value)) return joinList(value, where, key);
  if (typeof value !== "string") return value;
  try {
    if (spec.size) return parseSize(value);
    if (spec.duration) return parseDuration(value);
  } catch {
    throw invalid(
      where,
      key,
      `expected a ${spec.size ? "size (e.g. 100M)" : "duration (e.g. 1m30s)"}, found "${value}"`,
    );
  }
  switch (spec.type) {
    case "boolean":
      return BOOLEANS[value] ?? value;
    case "integer":
      return /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
    case "number":
      return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
    case "array":
      return value.split(/[\s,]+/).filter((s) => s !== "");
    default:
      return value;
  }
}

/**
 * A JSON5 array given for a `list` option, written as the space-separated string the option holds:
 * an item with spaces, quotes or `;` in double quotes, a `"` inside doubled (rclone's quoting).
 */
function joinList(items: unknown[], where: string, key: string): string {
  return items
    .map((item) => {
      if (typeof item !== "string") {
        throw invalid(where, key, `expected a list of strings, found ${JSON.stringify(item)} in it`);
      }
      return item === "" || /[\s"';]/.test(item) ? `"${item.replaceAll('"', '""')}"` : item;
    })
    .join(" ");
}

function fromAjv(where: string, e: ErrorObject, data: Record<string, unknown>, props: Record<string, OptionSpec>) {
  if (e.keyword === "required") {
    const key = (e.params as { missingProperty: string }).missingProperty;
    return invalid(where, key, `is required: ${props[key]?.description ?? ""}`.trim());
  }
  const key = e.instancePath.split("/")[1] ?? "";
  const found = JSON.stringify(data[key]);
  const spec = props[key];
  const expected =
    e.keyword === "enum"
      ? `one of ${(spec?.enum ?? []).map((v) => JSON.stringify(v)).join(", ")}`
      : e.keyword === "type"
        ? typeWanted(spec, (e.params as { type: string }).type)
        : `a value that ${e.message}`;
  return invalid(where, key, `expected ${expected}, found ${found}`);
}

function typeWanted(spec: OptionSpec | undefined, type: string): string {
  if (spec?.size) return "a size (e.g. 100M, or a number of bytes)";
  if (spec?.duration) return "a duration (e.g. 1m30s, or a number of milliseconds)";
  if (spec?.list) return "a space-separated string or an array of strings";
  return type === "integer" ? "an integer" : `a ${type}`;
}

function invalid(where: string, key: string, why: string): FsError {
  return new FsError("ConfigInvalid", `${where}: option "${key}" ${why}`);
}
