/** S3's XML documents: building answers and reading request bodies (fast-xml-parser). */
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { S3Error } from "./errors.js";

const NS = "http://s3.amazonaws.com/doc/2006-03-01/";
const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });
// Keys and ETags must stay strings: no number parsing, and entities decoded.
const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === "Part" || name === "Object",
});

/** An XML document whose root element `root` (in S3's namespace) holds `body`. */
export function xmlDocument(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { "@_xmlns": NS, ...body } })}`;
}

/** Parses a request body; throws `MalformedXML` for text that is not XML. */
export function parseXml(text: string): Record<string, unknown> {
  try {
    return parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new S3Error("MalformedXML", `The XML you provided was not well-formed: ${(err as Error).message}`);
  }
}

/** S3's time format in XML: ISO 8601 with milliseconds. */
export function xmlTime(d: Date): string {
  return d.toISOString();
}
