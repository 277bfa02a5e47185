/** What `version` reports: strata's version and the platform it runs on, in rclone's layout. */
import { readFileSync } from "node:fs";
import { arch, machine, version as osVersion, platform, release } from "node:os";
import { fileURLToPath } from "node:url";

export interface VersionInfo {
  /** strata's version, from package.json (`0.1.0`). */
  version: string;
  /** `debian 12.11 (64 bit)` on Linux; the OS's own description elsewhere. */
  osVersion: string;
  /** `6.1.0-18-amd64 (x86_64)`. */
  osKernel: string;
  /** `linux`, `darwin`, `win32`. */
  osType: string;
  /** Go's names, as rclone prints them: `amd64`, `arm64`, `386`. */
  osArch: string;
  /** `v20.19.0`. */
  nodeVersion: string;
}

const GO_ARCH: Record<string, string> = { x64: "amd64", ia32: "386", ppc64: "ppc64le", loong64: "loong64" };
const BITS64 = new Set(["x64", "arm64", "ppc64", "s390x", "riscv64", "loong64", "mips64", "mips64el"]);

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The distribution and its version on Linux (from /etc/os-release), as rclone shows them. */
function linuxPlatform(): string | undefined {
  const text = readText("/etc/os-release");
  if (!text) return undefined;
  const field = (key: string) =>
    new RegExp(`^${key}=(?:"([^"]*)"|(.*))$`, "m")
      .exec(text)
      ?.slice(1)
      .find((v) => v !== undefined);
  const id = field("ID");
  if (!id) return undefined;
  // rclone (via gopsutil) reads Debian's point release from /etc/debian_version.
  const debian = id === "debian" ? readText("/etc/debian_version")?.trim() : undefined;
  const ver = debian && /^\d/.test(debian) ? debian : field("VERSION_ID");
  return ver ? `${id} ${ver}` : id;
}

/** strata's own package.json: the nearest one above this code (src/, dist/ or the bundle). */
function packageVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    const text = readText(fileURLToPath(new URL("package.json", dir)));
    const pkg = text === undefined ? undefined : (JSON.parse(text) as { name?: string; version?: string });
    if (pkg?.name === "strata" && pkg.version) return pkg.version;
    if (dir.pathname === "/") return "unknown";
  }
}

/** strata's version and platform facts. */
export function versionInfo(): VersionInfo {
  const bits = BITS64.has(arch()) ? 64 : 32;
  const osName = (platform() === "linux" ? linuxPlatform() : undefined) ?? osVersion();
  return {
    version: packageVersion(),
    osVersion: `${osName} (${bits} bit)`,
    osKernel: `${release()} (${machine()})`,
    osType: platform(),
    osArch: GO_ARCH[arch()] ?? arch(),
    nodeVersion: process.version,
  };
}

/** The lines `version` prints: `strata v0.1.0`, then `- key: value` lines as rclone's. */
export function versionLines(info: VersionInfo = versionInfo()): string[] {
  return [
    `strata v${info.version}`,
    `- os/version: ${info.osVersion}`,
    `- os/kernel: ${info.osKernel}`,
    `- os/type: ${info.osType}`,
    `- os/arch: ${info.osArch}`,
    `- node/version: ${info.nodeVersion}`,
  ];
}
