/**
 * families_test.ts's data: the JSON forms both sides (python3 and Deno)
 * use, and the address and sendmsg_afalg cases they both run.
 */
import * as socket from "../../mod.ts";

// ---------------------------------------------------------------------------
// JSON forms shared by the python3 and Deno sides: bytes as {b: hex}, integers
// beyond 2^53 as {big: "decimal"}, exceptions as their class (see `kind`).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
export function unhex(s: string): Uint8Array {
  return new Uint8Array(s.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
}
export function fromJson(v: Json): unknown {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === "object") {
    return "b" in v ? unhex(v.b as string) : BigInt(v.big as string);
  }
  return v;
}
export function toJson(v: unknown): Json {
  if (v instanceof Uint8Array) return { b: hex(v) };
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === "bigint") {
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? { big: String(v) } : Number(v);
  }
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  }
  return v as Json;
}
/** An exception as python's side reports it: "error:<errno>", "TypeError", "RangeError". */
export function kind(e: unknown): string {
  if (e instanceof socket.error) return `error:${JSON.stringify(e.errno ?? null)}`;
  if (e instanceof TypeError || e instanceof RangeError) return e.name;
  throw e;
}

export const PY_JSON = `
import json, os, socket, sys
def const(v): return getattr(socket, v) if isinstance(v, str) else v
def dec(v, top=False):
    if isinstance(v, dict): return bytes.fromhex(v["b"]) if "b" in v else int(v["big"])
    if isinstance(v, list): return tuple(dec(x) for x in v) if top else [dec(x) for x in v]
    return v
def enc(v):
    if isinstance(v, (bytes, bytearray)): return {"b": v.hex()}
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    if isinstance(v, dict): return {k: enc(x) for k, x in v.items()}
    if isinstance(v, int) and not isinstance(v, bool) and v > 2**53 - 1: return {"big": str(v)}
    return v
def kind(e):
    if isinstance(e, OSError): return "error:" + json.dumps(e.errno)
    if isinstance(e, TypeError): return "TypeError"
    if isinstance(e, (ValueError, OverflowError)): return "RangeError"
    raise e
def last_log(prefix):
    lines = [l for l in open(os.environ["SHIM_LOG"]).read().splitlines() if l.startswith(prefix)]
    return lines[-1].split(" ")[1:]
`;

// ---------------------------------------------------------------------------
// Codec cases, run by both sides under the shim.

export interface AddrCase {
  label: string;
  family: string;
  type: string;
  proto: number | string;
  addr: Json;
}
export interface AfalgCase {
  label: string;
  family: string;
  msg: Json[];
  op?: Json;
  iv?: Json;
  assoclen?: Json;
  flags?: number;
}

export const LO_MAC = { b: "010203040506" };
export const ADDR_CASES: AddrCase[] = [
  // AF_PACKET: [ifname, proto, pkttype=0, hatype=0, addr=b""]
  { label: "packet 2", family: "AF_PACKET", type: "SOCK_DGRAM", proto: 0, addr: ["lo", 0x0800] },
  {
    label: "packet 5",
    family: "AF_PACKET",
    type: "SOCK_RAW",
    proto: 0,
    addr: ["lo", 0x88cc, 3, 772, LO_MAC],
  },
  {
    label: "packet 8-byte addr",
    family: "AF_PACKET",
    type: "SOCK_RAW",
    proto: 0,
    addr: ["lo", 3, 0, 1, { b: "0102030405060708" }],
  },
  {
    label: "packet 9-byte addr",
    family: "AF_PACKET",
    type: "SOCK_RAW",
    proto: 0,
    addr: ["lo", 3, 0, 1, { b: "010203040506070809" }],
  },
  {
    label: "packet no iface",
    family: "AF_PACKET",
    type: "SOCK_RAW",
    proto: 0,
    addr: ["nosuch0", 3],
  },
  {
    label: "packet proto>0xffff",
    family: "AF_PACKET",
    type: "SOCK_RAW",
    proto: 0,
    addr: ["lo", 65536],
  },
  { label: "packet 1-tuple", family: "AF_PACKET", type: "SOCK_RAW", proto: 0, addr: ["lo"] },
  { label: "packet not tuple", family: "AF_PACKET", type: "SOCK_RAW", proto: 0, addr: "lo" },
  // AF_ALG: [type, name, feat=0, mask=0]
  { label: "alg 2", family: "AF_ALG", type: "SOCK_SEQPACKET", proto: 0, addr: ["hash", "sha256"] },
  {
    label: "alg 4",
    family: "AF_ALG",
    type: "SOCK_SEQPACKET",
    proto: 0,
    addr: ["skcipher", "cbc(aes)", 1, 0xffff],
  },
  {
    label: "alg longest",
    family: "AF_ALG",
    type: "SOCK_SEQPACKET",
    proto: 0,
    addr: ["t".repeat(13), "n".repeat(63)],
  },
  {
    label: "alg type too long",
    family: "AF_ALG",
    type: "SOCK_SEQPACKET",
    proto: 0,
    addr: ["t".repeat(14), "x"],
  },
  {
    label: "alg name too long",
    family: "AF_ALG",
    type: "SOCK_SEQPACKET",
    proto: 0,
    addr: ["hash", "n".repeat(64)],
  },
  { label: "alg 1-tuple", family: "AF_ALG", type: "SOCK_SEQPACKET", proto: 0, addr: ["hash"] },
  { label: "alg name int", family: "AF_ALG", type: "SOCK_SEQPACKET", proto: 0, addr: ["hash", 1] },
  // AF_CAN, by protocol
  { label: "can raw", family: "AF_CAN", type: "SOCK_RAW", proto: "CAN_RAW", addr: ["lo"] },
  { label: "can raw any", family: "AF_CAN", type: "SOCK_RAW", proto: "CAN_RAW", addr: [""] },
  { label: "can bcm", family: "AF_CAN", type: "SOCK_DGRAM", proto: "CAN_BCM", addr: ["lo"] },
  {
    label: "can name too long",
    family: "AF_CAN",
    type: "SOCK_RAW",
    proto: "CAN_RAW",
    addr: ["x".repeat(16)],
  },
  {
    label: "can no iface",
    family: "AF_CAN",
    type: "SOCK_RAW",
    proto: "CAN_RAW",
    addr: ["nosuch0"],
  },
  {
    label: "can raw 2-tuple",
    family: "AF_CAN",
    type: "SOCK_RAW",
    proto: "CAN_RAW",
    addr: ["lo", 1],
  },
  { label: "can not tuple", family: "AF_CAN", type: "SOCK_RAW", proto: "CAN_RAW", addr: "lo" },
  {
    label: "can isotp",
    family: "AF_CAN",
    type: "SOCK_DGRAM",
    proto: "CAN_ISOTP",
    addr: ["lo", 0x123, 0x80000456],
  },
  {
    label: "can isotp short",
    family: "AF_CAN",
    type: "SOCK_DGRAM",
    proto: "CAN_ISOTP",
    addr: ["lo"],
  },
  {
    label: "can j1939",
    family: "AF_CAN",
    type: "SOCK_DGRAM",
    proto: "CAN_J1939",
    addr: ["lo", { big: "12345678901234567890" }, 0x3ffff, 0x42],
  },
  {
    label: "can j1939 small name",
    family: "AF_CAN",
    type: "SOCK_DGRAM",
    proto: "CAN_J1939",
    addr: ["", 7, 0, 0xff],
  },
  { label: "can bad proto", family: "AF_CAN", type: "SOCK_RAW", proto: 99, addr: ["lo"] },
  // AF_TIPC: [addr_type, v1, v2, v3, scope=TIPC_CLUSTER_SCOPE]
  {
    label: "tipc nameseq",
    family: "AF_TIPC",
    type: "SOCK_RDM",
    proto: 0,
    addr: [1, 18888, 10, 20],
  },
  {
    label: "tipc name",
    family: "AF_TIPC",
    type: "SOCK_RDM",
    proto: 0,
    addr: [2, 18888, 5, 99, 3],
  },
  {
    label: "tipc id",
    family: "AF_TIPC",
    type: "SOCK_RDM",
    proto: 0,
    addr: [3, 0x1001001, 42, 0, 1],
  },
  { label: "tipc bad type", family: "AF_TIPC", type: "SOCK_RDM", proto: 0, addr: [9, 1, 2, 3] },
  { label: "tipc 3-tuple", family: "AF_TIPC", type: "SOCK_RDM", proto: 0, addr: [1, 2, 3] },
  // AF_QIPCRTR, AF_VSOCK, AF_NETLINK: pairs of unsigned ints
  { label: "qrtr", family: "AF_QIPCRTR", type: "SOCK_DGRAM", proto: 0, addr: [1, 0xfffffffe] },
  { label: "qrtr 1-tuple", family: "AF_QIPCRTR", type: "SOCK_DGRAM", proto: 0, addr: [1] },
  { label: "vsock", family: "AF_VSOCK", type: "SOCK_STREAM", proto: 0, addr: [2, 1234] },
  { label: "netlink", family: "AF_NETLINK", type: "SOCK_RAW", proto: 0, addr: [0, 5] },
];

export const IV16 = { b: "000102030405060708090a0b0c0d0e0f" };
export const AFALG_CASES: AfalgCase[] = [
  { label: "op only", family: "AF_ALG", msg: [{ b: "616263" }], op: 1 },
  { label: "no msg", family: "AF_ALG", msg: [], op: 0 },
  {
    label: "op iv assoclen flags",
    family: "AF_ALG",
    msg: [{ b: "0011" }, { b: "2233" }],
    op: 0,
    iv: IV16,
    assoclen: 8,
    flags: 0x8000, // MSG_MORE
  },
  { label: "12-byte iv", family: "AF_ALG", msg: [{ b: "ff" }], op: 1, iv: { b: "aa".repeat(12) } },
  { label: "missing op", family: "AF_ALG", msg: [] },
  { label: "negative op", family: "AF_ALG", msg: [], op: -1 },
  { label: "negative assoclen", family: "AF_ALG", msg: [], op: 1, assoclen: -1 },
  { label: "not AF_ALG", family: "AF_INET", msg: [], op: 1 },
];
