/**
 * The HTTP side of the webdav backend: one `webdav` client per Fs for authentication and transport,
 * requests addressed by already-encoded URL paths, failures turned into `FsError`s.
 */
import { Readable } from "node:stream";
import { AuthType, createClient, type WebDAVClient } from "webdav";
import { FsError } from "../../fs/errors.js";
import { withRetries } from "../../fs/operations/retry.js";
import { makeAgents } from "./agents.js";
import { fromNetwork, fromStatus, type Target } from "./errors.js";

/** A response as the `webdav` client returns it (node-fetch's). */
export type DavResponse = Awaited<ReturnType<WebDAVClient["customRequest"]>>;

export interface DavRequest {
  headers?: Record<string, string>;
  /** A request body; an async iterable is streamed. */
  body?: string | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Statuses (>= 400) the caller handles itself instead of getting an error. */
  accept?: readonly number[];
}

/** Tries of a request answered 423 Locked (pauses of 20 ms doubling: about 2.5 s in all). */
const LOCKED_ATTEMPTS = 8;

export interface Credentials {
  user: string;
  pass: string;
  bearerToken: string;
}

export class DavClient {
  private readonly client: WebDAVClient;
  private readonly agents: { destroy(): void }[];
  /** `scheme://host:port`, for absolute Destination headers. */
  readonly origin: string;

  constructor(
    readonly baseUrl: URL,
    credentials: Credentials,
  ) {
    this.origin = baseUrl.origin;
    const options = makeAgents();
    this.agents = [options.httpAgent, options.httpsAgent];
    this.client =
      credentials.user || credentials.pass
        ? createClient(baseUrl.href, { ...options, username: credentials.user, password: credentials.pass })
        : credentials.bearerToken
          ? createClient(baseUrl.href, {
              ...options,
              authType: AuthType.Token,
              token: { access_token: credentials.bearerToken, token_type: "Bearer" },
            })
          : createClient(baseUrl.href, options);
  }

  /** Closes the connections kept alive for reuse and any in use. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  /**
   * Sends one request to `urlPath` (already percent-encoded, absolute). Resolves with the response for
   * a status below 400 or one in `accept`; otherwise throws the mapped `FsError` about `remote`.
   */
  async request(
    method: string,
    urlPath: string,
    remote: string,
    target: Target,
    options: DavRequest = {},
  ): Promise<DavResponse> {
    // A locked resource (423) is busy with another request, as when two MOVEs race for one name; like
    // rclone's pacer, a request without a streamed body is sent again after a short, growing pause.
    let locked = false;
    return withRetries(
      async () => {
        locked = false;
        const answer = await this.send(method, urlPath, options, remote);
        if (!("status" in answer)) return answer.response;
        locked = answer.status === 423;
        throw fromStatus(answer.status, remote, target, answer.detail);
      },
      {
        attempts: typeof options.body === "object" ? 1 : LOCKED_ATTEMPTS,
        baseDelayMs: 20,
        signal: options.signal,
        what: remote,
        retryIf: () => locked,
      },
    );
  }

  /** One request: the response, or the error status and its message. */
  private async send(
    method: string,
    urlPath: string,
    options: DavRequest,
    remote: string,
  ): Promise<{ response: DavResponse } | { status: number; detail: string }> {
    const { body } = options;
    const data = body === undefined || typeof body === "string" ? body : Readable.from(body, { objectMode: false });
    try {
      const response = await this.client.customRequest("", {
        url: this.origin + urlPath,
        method,
        headers: options.headers,
        data,
        signal: options.signal,
      });
      return { response };
    } catch (err) {
      const failed = (err as { response?: DavResponse }).response;
      if (!failed) throw fromNetwork(err, remote);
      if (options.accept?.includes(failed.status)) return { response: failed };
      // Read the error page so the connection goes back to the pool.
      const page = await failed.text().catch(() => "");
      return { status: failed.status, detail: shortDetail(failed.statusText, page) };
    }
  }

  /** Like `request`, then reads and discards the body (for methods whose answer carries nothing needed). */
  async call(method: string, urlPath: string, remote: string, target: Target, options?: DavRequest): Promise<number> {
    const response = await this.request(method, urlPath, remote, target, options);
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }
}

/** The status text, plus the server's message when it is a short line of plain text. */
function shortDetail(statusText: string, body: string): string {
  const text = body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text && text.length < 200 ? `${statusText}: ${text}` : statusText;
}

/** Throws `Corrupt` unless a multistatus answer came back (a server may answer 200 with an HTML page). */
export function expectMultistatus(status: number, remote: string): void {
  if (status !== 207)
    throw new FsError("Corrupt", `PROPFIND answered ${status}, not 207 Multi-Status`, { path: remote });
}
