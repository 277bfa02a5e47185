/**
 * The registry with every backend and overlay: what a context gets unless it is given another. The
 * one place types are registered; their modules load only when a remote of the type is opened.
 */
import { BACKENDS } from "./backends/index.js";
import { Registry } from "./fs/registry.js";
import { OVERLAYS } from "./overlays/index.js";

/** A new registry of every backend and overlay (a program may add its own types to it). */
export function defaultRegistry(): Registry {
  return new Registry({ ...BACKENDS, ...OVERLAYS });
}
