#!/usr/bin/env node
// The CLI runs from one bundled file: resolving and compiling dozens of modules cost more start-up
// time than the work of a small command.
import { main } from "../dist/strata.mjs";

await main(process.argv.slice(2));
