/**
 * Which rows of test/conformance/stacks.ts a run takes. The conformance and sync tests run in both
 * vitest projects: "fast" (the edit loop) takes one row per backend and overlay that needs no
 * server plus one deep stack, "slow" takes every other row, including those on a network backend
 * (s3, sftp, webdav), which start real servers. `npm test` runs both, so every row runs once.
 * STRATA_STACKS, a regular expression over labels, narrows either further.
 */

/** "fast", "slow", or unset (a file run on its own): every row. */
const project = process.env.STRATA_TEST_PROJECT;

/** The rows of the edit loop: each backend and overlay over memory or local disk, and a deep stack. */
const EDIT_LOOP_ROWS = new Set([
  "memory",
  "local",
  "chunker(memory)",
  "crypt(memory)",
  "compress(memory)",
  "crypt(chunker(memory))",
  "erasure(5 × memory, 3+2, 2 dead)",
]);

/** The rows to run, in their order. */
export function selectedRows<T extends { label: string }>(rows: readonly T[]): T[] {
  const only = process.env.STRATA_STACKS ? new RegExp(process.env.STRATA_STACKS) : undefined;
  return rows.filter(
    (r) =>
      (!only || only.test(r.label)) && (project === undefined || (project === "fast") === EDIT_LOOP_ROWS.has(r.label)),
  );
}

/** Whether tests that use no row run here (once, in the fast project, of a file both projects run). */
export const serverlessTestsRun = project !== "slow";
