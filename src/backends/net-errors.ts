/**
 * Socket error codes after which the same request may succeed later: the server went away, is
 * restarting or cannot be reached yet. The network backends map these to `Transient`.
 */
export const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  // undici's (fetch's) name for a socket closed under a request.
  "UND_ERR_SOCKET",
]);
