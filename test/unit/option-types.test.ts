/**
 * Option types come from the schemas: checked by the type checker (`npx tsc --noEmit` runs over
 * test/), so a schema change that the code does not follow fails to compile.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { LocalOptions } from "../../src/backends/local/index.js";
import type { OptionsOf } from "../../src/fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../src/fs/registry.js";
import type { ChunkerHashType, ChunkerOptions } from "../../src/overlays/chunker/index.js";
import type { CryptOptions } from "../../src/overlays/crypt/index.js";
import type { ErasureOptions } from "../../src/overlays/erasure/index.js";

const schema = {
  type: "object",
  properties: {
    remote: { type: "string", description: "required, no default" },
    size: { type: "integer", size: true, default: 1024, description: "a size" },
    mode: { type: "string", enum: ["a", "b"], default: "a", description: "an enum" },
    flag: { type: "boolean", default: false, description: "a boolean" },
    names: { type: "array", items: { type: "string" }, description: "neither required nor defaulted" },
  },
  required: ["remote"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

describe("OptionsOf", () => {
  it("maps each JSON Schema type, enums to their members, and leaves only undefaulted optional keys optional", () => {
    expectTypeOf<OptionsOf<typeof schema>>().toEqualTypeOf<
      { remote: string; size: number; mode: "a" | "b"; flag: boolean } & { names?: string[] }
    >();
  });

  it("types create's options from the schema it is given", () => {
    defineDescriptor({
      name: "probe",
      kind: "backend",
      description: "type test",
      options: schema,
      async create({ options }) {
        expectTypeOf(options.mode).toEqualTypeOf<"a" | "b">();
        expectTypeOf(options.names).toEqualTypeOf<string[] | undefined>();
        throw new Error("not called");
      },
    });
  });

  it("gives the descriptors' exported option types", () => {
    expectTypeOf<LocalOptions>().toMatchTypeOf<{ copy_links: boolean; no_set_modtime: boolean }>();
    expectTypeOf<ChunkerHashType>().toEqualTypeOf<
      "none" | "md5" | "sha1" | "md5all" | "sha1all" | "md5quick" | "sha1quick"
    >();
    expectTypeOf<ChunkerOptions["chunk_size"]>().toEqualTypeOf<number>();
    expectTypeOf<ChunkerOptions["meta_format"]>().toEqualTypeOf<"simplejson" | "none">();
    expectTypeOf<CryptOptions["filename_encryption"]>().toEqualTypeOf<"standard" | "obfuscate" | "off">();
    expectTypeOf<ErasureOptions["remotes"]>().toEqualTypeOf<string>();
  });
});
