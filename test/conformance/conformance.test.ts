/**
 * Runs the conformance suite over every stack in `stacks.ts`, or over those whose label matches the
 * regular expression in STRATA_STACKS (to work on one backend: `STRATA_STACKS='^sftp' npx vitest run test/conformance`).
 */
import { afterAll } from "vitest";
import { stopSharedServers } from "../servers/shared.js";
import { removeStackTemps, stacks } from "./stacks.js";
import { runFsSuite } from "./suite.js";

const only = process.env.STRATA_STACKS ? new RegExp(process.env.STRATA_STACKS) : undefined;
for (const stack of stacks) if (!only || only.test(stack.label)) runFsSuite(stack.label, stack.make, stack.options);

afterAll(async () => {
  removeStackTemps();
  await stopSharedServers();
});
