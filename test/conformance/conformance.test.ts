/**
 * Runs the conformance suite over the stacks in `stacks.ts` that `selectedRows` picks: those whose
 * label matches the regular expression in STRATA_STACKS (to work on one backend:
 * `STRATA_STACKS='^sftp' npx vitest run test/conformance`), and in the fast project those needing no server.
 */
import { afterAll } from "vitest";
import { stopSharedServers } from "../servers/shared.js";
import { selectedRows } from "../stack-rows.js";
import { removeStackTemps, stacks } from "./stacks.js";
import { runFsSuite } from "./suite.js";

for (const stack of selectedRows(stacks)) runFsSuite(stack.label, stack.make, stack.options);

afterAll(async () => {
  removeStackTemps();
  await stopSharedServers();
});
