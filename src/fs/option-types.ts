/**
 * The TypeScript type of a remote's options, derived from its JSON Schema (`OptionsSchema`), so each
 * backend and overlay declares its options once and the type `create` receives cannot drift from
 * what ajv checks and fills in.
 */
import type { OptionSpec, OptionsSchema } from "./registry.js";

/** One option's value once validated: an `enum` gives its members; sizes and durations are numbers. */
export type OptionValue<S extends OptionSpec> = S extends { enum: readonly (infer E)[] }
  ? E
  : S["type"] extends "boolean"
    ? boolean
    : S["type"] extends "integer" | "number"
      ? number
      : S["type"] extends "array"
        ? string[]
        : string;

type Props<S extends OptionsSchema> = S["properties"];
type RequiredKey<S extends OptionsSchema> = S extends { required: readonly (infer R)[] } ? R : never;
/** Keys that are always there after validation: required ones, and those ajv fills with their default. */
type PresentKey<S extends OptionsSchema> = {
  [K in keyof Props<S>]: K extends RequiredKey<S> ? K : Props<S>[K] extends { default: unknown } ? K : never;
}[keyof Props<S>];

/** What `create` receives for `S`: options with a default or required are present, the others optional. */
export type OptionsOf<S extends OptionsSchema> = {
  -readonly [K in PresentKey<S>]: OptionValue<Props<S>[K]>;
} & {
  -readonly [K in Exclude<keyof Props<S>, PresentKey<S>>]?: OptionValue<Props<S>[K]>;
};
