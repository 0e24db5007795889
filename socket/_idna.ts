// Private: host names → the bytes libc gets, by the rules of CPython 3.11's
// "idna" codec (Lib/encodings/idna.py, RFC 3490) and of the two ways
// Modules/socketmodule.c applies it:
//  - `idna(host)`: the codec itself, as getaddrinfo, gethostbyname,
//    gethostbyname_ex and gethostbyaddr use it. Even an ASCII name is
//    checked: every label but the last must be 1-63 characters, the last
//    (empty after a trailing dot) under 64. Failures are a RangeError
//    (Python's UnicodeError, a ValueError).
//  - `hostForAddress(host)`: the codec as socket addresses use it
//    (idna_converter: bind, connect, sendto, …): an ASCII name is taken as
//    is, only a non-ASCII one is encoded, and failures are a TypeError
//    ("encoding of hostname failed"), as CPython reports them there.
// Non-ASCII labels go through node:url's domainToASCII (UTS #46), which
// agrees with Python's nameprep + punycode for ordinary names.
import { domainToASCII } from "node:url";
import { copyUint8 } from "../core/view.ts";

const DOTS = /[.\u3002\uff0e\uff61]/;
// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const encoder = new TextEncoder();

function fail(reason: string): never {
  throw new RangeError(`encoding with 'idna' codec failed (UnicodeError: ${reason})`);
}

function loneSurrogateIn(label: string): number {
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c < 0xd800 || c >= 0xe000) continue;
    const d = label.charCodeAt(i + 1);
    if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
      i++;
      continue;
    }
    return c;
  }
  return -1;
}

// Nameprep (RFC 3491) steps where UTS #46 answers differently: table B.1
// maps these to nothing, and IDNA 2003 folds ß and ς (UTS #46 keeps them).
const MAP_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;

/** One label, as the codec's ToASCII. */
function toASCII(label: string): string {
  if (!ASCII.test(label)) {
    // Nameprep prohibits surrogate code points (RFC 3454 table C.5).
    const c = loneSurrogateIn(label);
    if (c >= 0) fail(`Invalid character '\\u${c.toString(16).padStart(4, "0")}'`);
    label = label.replace(MAP_TO_NOTHING, "").replace(/[\u00df\u1e9e]/g, "ss")
      .replace(/\u03c2/g, "\u03c3");
    if (ASCII.test(label)) label = label.toLowerCase(); // nameprep case-folds
    else {
      if (label.normalize("NFKC").toLowerCase().startsWith("xn--")) {
        fail("Label starts with ACE prefix");
      }
      label = domainToASCII(label);
    }
  }
  if (label.length > 0 && label.length < 64) return label;
  fail("label empty or too long");
}

/**
 * `host` encoded by Python's "idna" codec, as ASCII text (NULs are left in
 * for the caller to judge). Throws RangeError for what the codec rejects.
 */
export function idna(host: string): string {
  if (host === "") return "";
  if (ASCII.test(host)) {
    const labels = host.split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      if (labels[i].length === 0 || labels[i].length >= 64) fail("label empty or too long");
    }
    if (labels[labels.length - 1].length >= 64) fail("label too long");
    return host;
  }
  const labels = host.split(DOTS);
  let trailing = "";
  if (labels.length > 0 && labels[labels.length - 1] === "") {
    trailing = ".";
    labels.pop();
  }
  return labels.map(toASCII).join(".") + trailing;
}

/**
 * The bytes (no terminating NUL) of an address's host, as CPython's
 * idna_converter: a string or bytes; an embedded NUL, or a non-ASCII name
 * the codec rejects, is a TypeError.
 */
export function hostForAddress(host: unknown, fn: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof host === "string") {
    if (ASCII.test(host)) bytes = encoder.encode(host);
    else {
      try {
        bytes = encoder.encode(idna(host));
      } catch {
        throw new TypeError(`${fn}encoding of hostname failed`);
      }
    }
  } else {
    const b = copyUint8(host);
    if (b === null) throw new TypeError(`${fn}host must be a string or Uint8Array`);
    bytes = b;
  }
  if (bytes.includes(0)) throw new TypeError(`${fn}host name must not contain null character`);
  return bytes;
}
