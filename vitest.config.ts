import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { ROW_FILES, slowTestFiles } from "./test/projects.js";

const root = fileURLToPath(new URL(".", import.meta.url));
const slowFiles = slowTestFiles(root);

/**
 * Two projects: "fast" (no servers, no killed processes; `npm run test:fast`, the edit loop) and
 * "slow" (real sshd, Apache, Ceph and `rclone serve`, the kill tests, the packed package's install;
 * see test/projects.ts). `npm test` runs both.
 */
export default defineConfig({
  resolve: {
    // Examples and library tests import the package by name, as its users do.
    alias: [
      { find: /^strata$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^strata\/testing$/, replacement: fileURLToPath(new URL("./src/testing.ts", import.meta.url)) },
    ],
  },
  test: {
    // Builds the CLI once (into node_modules/.cache, not dist/) for the tests that spawn it.
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/quiet-logs.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most test time is spent waiting on disks, child processes and sockets, so one worker per core
    // keeps both cores busy (vitest's default leaves one idle on a 2-core machine).
    maxWorkers: availableParallelism(),
    // Console output of passing tests is dropped; a failing test's is printed (quiet-logs.ts does
    // the same for strata's log messages).
    silent: "passed-only",
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: slowFiles,
          env: { STRATA_TEST_PROJECT: "fast" },
        },
      },
      {
        extends: true,
        test: {
          name: "slow",
          include: [...slowFiles, ...ROW_FILES],
          env: { STRATA_TEST_PROJECT: "slow" },
        },
      },
    ],
  },
});
