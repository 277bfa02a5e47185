/** rclone-compatible filtering: globs, rules, the `Filter` and its command-line flags. */
export { Filter, type FilterOptions } from "./filter.js";
export {
  attachFilterValues,
  type FilterArgs,
  filterFlags,
  filterOptionsFromArgs,
  parseAge,
  parseAgeDate,
} from "./flags.js";
export { type CompiledGlob, compileGlob, globToDirGlobs, globToRegExp, globToRegexpSource } from "./glob.js";
export { compileGoRegexp, GoRegexpError } from "./go-regexp.js";
export { filterFileLines, type Rule, RuleList, RuleSet, readFilterFile, ruleText } from "./rules.js";
