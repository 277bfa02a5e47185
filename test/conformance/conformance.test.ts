/** Runs the conformance suite over every stack in `stacks.ts`. */
import { afterAll } from "vitest";
import { removeStackTemps, stacks } from "./stacks.js";
import { runFsSuite } from "./suite.js";

for (const stack of stacks) runFsSuite(stack.label, stack.make, stack.options);

afterAll(removeStackTemps);
