/** The webdav backend's pure parts: URL path encoding and multistatus parsing. */
import { describe, expect, it } from "vitest";
import { decodeUrlPath, encodeUrlPath, hrefPath } from "../../src/backends/webdav/paths.js";
import { parseMultistatus } from "../../src/backends/webdav/propfind.js";

describe("webdav paths", () => {
  it("percent-encodes every byte outside the unreserved set, and decodes back", () => {
    for (const name of ["a b/c#d?e%f", "ctl \x01\n\x7f", "日本語/🦄", "bad\uDCBF\uDCFEname", "~._-"]) {
      const encoded = encodeUrlPath(name);
      expect(encoded).toMatch(/^[A-Za-z0-9\-._~/%]*$/);
      expect(decodeUrlPath(encoded)).toBe(name);
    }
    expect(encodeUrlPath("a b/c")).toBe("a%20b/c");
    expect(encodeUrlPath("bad\uDCBF")).toBe("bad%BF");
  });

  it("decodes lower-case escapes and characters a server left unescaped", () => {
    expect(decodeUrlPath("/d/a%0a%20&%3f")).toBe("/d/a\n &?");
    expect(decodeUrlPath("/d/é")).toBe("/d/é");
  });

  it("takes the path of an href given as a full URL", () => {
    expect(hrefPath("http://127.0.0.1:8080/dav/a%20b")).toBe("/dav/a%20b");
    expect(hrefPath("https://host")).toBe("/");
    expect(hrefPath("/dav/x/")).toBe("/dav/x/");
  });
});

describe("webdav multistatus", () => {
  it("reads Apache's answer: collections, sizes, dates, second 404 propstats ignored", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:"><D:href>/d/</D:href>
<D:propstat><D:prop><lp1:getlastmodified>Wed, 25 Nov 2026 21:42:29 GMT</lp1:getlastmodified>
<lp1:resourcetype><D:collection/></lp1:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
<D:propstat><D:prop><g0:getcontentlength xmlns:g0="DAV:"/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
</D:response>
<D:response xmlns:lp1="DAV:"><D:href>/d/a%0a%20&amp;%3f</D:href>
<D:propstat><D:prop><lp1:getlastmodified>Wed, 25 Nov 2026 21:42:30 GMT</lp1:getlastmodified>
<lp1:getcontentlength>3</lp1:getcontentlength><lp1:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
</D:response>
</D:multistatus>`;
    const items = await parseMultistatus(xml);
    expect(items.map((i) => [i.path, i.isDir, i.size, i.modTime.toISOString()])).toEqual([
      ["/d", true, 0, "2026-11-25T21:42:29.000Z"],
      ["/d/a\n &?", false, 3, "2026-11-25T21:42:30.000Z"],
    ]);
  });

  it("reads ownCloud checksums as lower-case hex", async () => {
    const xml = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:response><d:href>/remote.php/webdav/f.txt</d:href>
<d:propstat><d:prop><d:getlastmodified>Tue, 14 Nov 2023 22:13:20 GMT</d:getlastmodified><d:getcontentlength>6</d:getcontentlength>
<d:resourcetype/><oc:checksums><oc:checksum>SHA1:F572D396FAE9206628714FB2CE00F72E94F2258F MD5:b1946ac92492d2347c6235b4d2611184 ADLER32:084b021f</oc:checksum></oc:checksums>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`;
    const [item] = await parseMultistatus(xml);
    expect(Object.fromEntries(item?.hashes ?? [])).toEqual({
      sha1: "f572d396fae9206628714fb2ce00f72e94f2258f",
      md5: "b1946ac92492d2347c6235b4d2611184",
    });
  });
});
