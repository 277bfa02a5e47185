/**
 * Which rows of test/conformance/stacks.ts a run takes. The conformance and sync tests run in both
 * vitest projects: "fast" takes the rows that need no server, "slow" the rows on a network
 * backend (s3, sftp, webdav), which start real servers. STRATA_STACKS, a regular expression over
 * labels, narrows either further.
 */

/** "none" (the fast project), "only" (the slow project), or unset: every row. */
const servers = process.env.STRATA_TEST_SERVERS;

/** Whether a row's stack stands on a network backend and so needs a server started for it. */
export function needsServer(label: string): boolean {
  return /\b(s3|sftp|webdav)\b/.test(label);
}

/** The rows to run, in their order. */
export function selectedRows<T extends { label: string }>(rows: readonly T[]): T[] {
  const only = process.env.STRATA_STACKS ? new RegExp(process.env.STRATA_STACKS) : undefined;
  return rows.filter(
    (r) => (!only || only.test(r.label)) && (servers === undefined || (servers === "only") === needsServer(r.label)),
  );
}

/** Whether tests that use no row run here (once, in the fast project, of a file both projects run). */
export const serverlessTestsRun = servers !== "only";
