/**
 * Certificates in TypeScript: the DER of an X.509 certificate (as
 * `i2d_X509` writes it) decoded into CPython's `getpeercert()` dict, the
 * PEM ⇄ DER conversions and `cert_time_to_seconds`. Nothing here calls C or
 * reads OpenSSL's structures.
 *
 * @module
 */
import { writableBytes } from "../core/bytes.ts";
import { typeName } from "../core/repr.ts";
import { PEM_FOOTER, PEM_HEADER } from "./constants.ts";

/** CPython's `getpeercert()` dict (keys absent when the certificate lacks them). */
export interface PeerCertificate {
  /** The subject's relative distinguished names: `[[["commonName", "x"]], …]`. */
  subject?: [string, string][][];
  /** The issuer's names, in the same shape. */
  issuer?: [string, string][][];
  /** The X.509 version (1, 2 or 3). */
  version?: number;
  /** The serial number in upper-case hex. */
  serialNumber?: string;
  /** Validity start, e.g. `"Jun  1 12:00:00 2024 GMT"`. */
  notBefore?: string;
  /** Validity end, in the same format. */
  notAfter?: string;
  /** `[["DNS", "example.com"], ["IP Address", "127.0.0.1"], …]`. */
  subjectAltName?: [string, string][];
  /** OCSP responder URIs (authorityInfoAccess). */
  OCSP?: string[];
  /** CA issuer URIs (authorityInfoAccess). */
  caIssuers?: string[];
  /** CRL distribution point URIs. */
  crlDistributionPoints?: string[];
}

interface Tlv {
  tag: number;
  start: number; // of the value
  end: number;
  constructed: boolean;
}

class Der {
  constructor(readonly b: Uint8Array) {}
  read(at: number, limit = this.b.length): Tlv {
    const b = this.b;
    if (at + 2 > limit) throw new RangeError("truncated DER");
    const tag = b[at];
    if ((tag & 0x1f) === 0x1f) throw new RangeError("unsupported DER tag");
    let len = b[at + 1];
    let p = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || p + n > limit) throw new RangeError("bad DER length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++];
    }
    if (p + len > limit) throw new RangeError("truncated DER");
    return { tag, start: p, end: p + len, constructed: (tag & 0x20) !== 0 };
  }
  children(t: Tlv): Tlv[] {
    const out: Tlv[] = [];
    for (let at = t.start; at < t.end;) {
      const c = this.read(at, t.end);
      out.push(c);
      at = c.end;
    }
    return out;
  }
  bytes(t: Tlv): Uint8Array {
    return this.b.subarray(t.start, t.end);
  }
}

const OID_NAMES: Record<string, string> = {
  "2.5.4.3": "commonName",
  "2.5.4.4": "surname",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "countryName",
  "2.5.4.7": "localityName",
  "2.5.4.8": "stateOrProvinceName",
  "2.5.4.9": "streetAddress",
  "2.5.4.10": "organizationName",
  "2.5.4.11": "organizationalUnitName",
  "2.5.4.12": "title",
  "2.5.4.17": "postalCode",
  "2.5.4.42": "givenName",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "userId",
  "0.9.2342.19200300.100.1.25": "domainComponent",
  "1.2.840.113549.1.9.1": "emailAddress",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionStateOrProvinceName",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionLocalityName",
  "2.5.4.15": "businessCategory",
};

function oid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new RangeError("empty OID");
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < bytes.length; i++) {
    v = v * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

function text(der: Der, t: Tlv): string {
  const b = der.bytes(t);
  switch (t.tag) {
    case 0x1e: { // BMPString
      let s = "";
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // T61String
      return latin1.decode(b);
    default:
      return utf8.decode(b);
  }
}

function name(der: Der, t: Tlv): [string, string][][] {
  return der.children(t).map((rdn) =>
    der.children(rdn).map((atv) => {
      const [o, v] = der.children(atv);
      const id = oid(der.bytes(o));
      return [OID_NAMES[id] ?? id, text(der, v)] as [string, string];
    })
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ASN.1 UTCTime/GeneralizedTime → OpenSSL's `ASN1_TIME_print` text. */
function time(der: Der, t: Tlv): string {
  const s = latin1.decode(der.bytes(t));
  const m = t.tag === 0x17
    ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
    : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (m === null) throw new RangeError(`unsupported certificate time ${JSON.stringify(s)}`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const day = String(Number(m[3])).padStart(2, " ");
  return `${MONTHS[Number(m[2]) - 1]} ${day} ${m[4]}:${m[5]}:${m[6]} ${year} GMT`;
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).toUpperCase().padStart(2, "0");
  return s;
}

function integer(b: Uint8Array): string {
  // CPython prints the serial with BN_bn2hex: no leading zero bytes.
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return hex(b.subarray(i));
}

function generalName(der: Der, g: Tlv): [string, string] {
  const b = der.bytes(g);
  switch (g.tag & 0x1f) {
    case 1:
      return ["email", latin1.decode(b)];
    case 2:
      return ["DNS", latin1.decode(b)];
    case 6:
      return ["URI", latin1.decode(b)];
    case 7:
      if (b.length === 4) return ["IP Address", [...b].join(".")];
      if (b.length === 16) {
        const parts: string[] = [];
        for (let i = 0; i < 16; i += 2) {
          parts.push(((b[i] << 8) | b[i + 1]).toString(16).toUpperCase());
        }
        return ["IP Address", parts.join(":")];
      }
      return ["IP Address", "<invalid>"];
    case 4: {
      const inner = der.read(g.start, g.end);
      const rdns = name(der, inner);
      return ["DirName", rdns.map((r) => r.map(([k, v]) => `${k}=${v}`).join("+")).join(",")];
    }
    case 8:
      return ["Registered ID", oid(b)];
    default:
      return ["othername", "<unsupported>"];
  }
}

/**
 * Decodes a DER certificate into CPython's `getpeercert()` dict.
 *
 * @example
 * ```ts ignore
 * import { decodeCertificate } from "./der.ts";
 * console.log(decodeCertificate(der).subject);
 * ```
 * @throws {RangeError} When `der` is not a well-formed certificate.
 */
export function decodeCertificate(bytes: Uint8Array): PeerCertificate {
  const der = new Der(bytes);
  const cert = der.read(0);
  const [tbs] = der.children(cert);
  const f = der.children(tbs);
  let i = 0;
  let version = 1;
  if (f[i]?.tag === 0xa0) {
    const v = der.read(f[i].start, f[i].end);
    version = Number(BigInt("0x" + (hex(der.bytes(v)) || "0"))) + 1;
    i++;
  }
  const serial = f[i++];
  i++; // signature algorithm
  const issuer = f[i++];
  const validity = der.children(f[i++]);
  const subject = f[i++];
  i++; // subjectPublicKeyInfo
  const out: PeerCertificate = {
    subject: name(der, subject),
    issuer: name(der, issuer),
    version,
    serialNumber: integer(der.bytes(serial)),
    notBefore: time(der, validity[0]),
    notAfter: time(der, validity[1]),
  };
  for (; i < f.length; i++) {
    if (f[i].tag !== 0xa3) continue;
    const exts = der.read(f[i].start, f[i].end);
    for (const ext of der.children(exts)) {
      const parts = der.children(ext);
      const id = oid(der.bytes(parts[0]));
      const value = der.read(parts[parts.length - 1].start, parts[parts.length - 1].end);
      if (id === "2.5.29.17") {
        out.subjectAltName = der.children(value).map((g) => generalName(der, g));
      } else if (id === "1.3.6.1.5.5.7.1.1") {
        for (const ad of der.children(value)) {
          const [m, loc] = der.children(ad);
          const method = oid(der.bytes(m));
          if ((loc.tag & 0x1f) !== 6) continue;
          const uri = latin1.decode(der.bytes(loc));
          if (method === "1.3.6.1.5.5.7.48.1") (out.OCSP ??= []).push(uri);
          else if (method === "1.3.6.1.5.5.7.48.2") (out.caIssuers ??= []).push(uri);
        }
      } else if (id === "2.5.29.31") {
        for (const dp of der.children(value)) {
          for (const field of der.children(dp)) {
            if (field.tag !== 0xa0) continue; // distributionPoint
            for (const fullName of der.children(field)) {
              if (fullName.tag !== 0xa0) continue;
              for (const g of der.children(fullName)) {
                if ((g.tag & 0x1f) === 6) {
                  (out.crlDistributionPoints ??= []).push(latin1.decode(der.bytes(g)));
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * A DER certificate as PEM text (64-column base64), as Python's
 * `ssl.DER_cert_to_PEM_cert`.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert } from "@libc/socket/ssl";
 * console.log(DER_cert_to_PEM_cert(new Uint8Array([0x30, 0x00])));
 * ```
 */
export function DER_cert_to_PEM_cert(der: Uint8Array): string {
  if (typeof der === "string") throw new TypeError("der_cert_bytes must be bytes, not a string");
  // Its real bytes (writableBytes reads the intrinsic bounds: no lying length, no endless list).
  const bytes = writableBytes(der, "der_cert_bytes");
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  const b64 = btoa(bin);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `${PEM_HEADER}\n${lines.join("\n")}\n${PEM_FOOTER}\n`;
}

/**
 * The DER bytes of a PEM certificate, as Python's `ssl.PEM_cert_to_DER_cert`.
 *
 * @example
 * ```ts
 * import { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from "@libc/socket/ssl";
 * const pem = DER_cert_to_PEM_cert(new Uint8Array([0x30, 0x00]));
 * console.log(PEM_cert_to_DER_cert(pem)); // Uint8Array(2) [ 48, 0 ]
 * ```
 * @throws {RangeError} Without the PEM header and footer (Python's ValueError).
 */
export function PEM_cert_to_DER_cert(pem: string): Uint8Array {
  if (typeof pem !== "string") throw new TypeError("pem_cert_string must be a string");
  const s = pem.trim();
  if (!s.startsWith(PEM_HEADER)) {
    throw new RangeError(`Invalid PEM encoding; must start with ${PEM_HEADER}`);
  }
  if (!s.endsWith(PEM_FOOTER)) {
    throw new RangeError(`Invalid PEM encoding; must end with ${PEM_FOOTER}`);
  }
  const body = s.slice(PEM_HEADER.length, s.length - PEM_FOOTER.length).replace(/\s+/g, "");
  let bin: string;
  try {
    bin = atob(body);
  } catch {
    throw new RangeError("Invalid PEM encoding: the body is not base64");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Seconds since the Epoch of a certificate time such as `"Jan  5 09:34:43
 * 2018 GMT"` (the `notBefore`/`notAfter` format), as Python's
 * `ssl.cert_time_to_seconds`.
 *
 * @example
 * ```ts
 * import { cert_time_to_seconds } from "@libc/socket/ssl";
 * console.log(cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")); // 1515144883
 * ```
 * @throws {RangeError} For any other format (Python's ValueError).
 */
export function cert_time_to_seconds(cert_time: string): number {
  if (typeof cert_time !== "string") {
    throw new TypeError(`cert_time must be a string, not ${typeName(cert_time)}`);
  }
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) GMT$/.exec(cert_time);
  const month = m ? MONTHS.indexOf(m[1]) : -1;
  if (m === null || month < 0) {
    throw new RangeError(
      `time data ${JSON.stringify(cert_time)} does not match format "%b %d %H:%M:%S %Y GMT"`,
    );
  }
  const [d, hh, mm, ss, y] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 61) {
    throw new RangeError(`time data ${JSON.stringify(cert_time)} is out of range`);
  }
  return Date.UTC(y, month, d, hh, mm, ss) / 1000;
}
