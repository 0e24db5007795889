/**
 * The raw `getaddrinfo(3)` call, below both the address codec (which
 * resolves host names while encoding) and the public resolver: C strings
 * in, raw sockaddr bytes out, `gaierror` on failure. It imports neither, so
 * the two do not import each other.
 *
 * @module
 */
import { constants as C, struct, table } from "../constants/mod.ts";
import { libc } from "../ffi/library.ts";
import { annotate, type error, fromErrno, gaierror, lastErrno } from "../core/errors.ts";
import { LITTLE_ENDIAN, readCString } from "../core/memory.ts";
import { fsDecodeC } from "../core/text.ts";
import { plainText } from "../core/repr.ts";

const AI = struct("addrinfo");
/** `sizeof(void *)`: room for getaddrinfo's `struct addrinfo **res`. */
export const PTR: number = table.sizes.pointer;

/** Reads the pointer stored at `at` in `buf`. */
export function readPtr(buf: Uint8Array, at = 0): Deno.PointerValue {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = PTR === 8 ? v.getBigUint64(at, LITTLE_ENDIAN) : BigInt(v.getUint32(at, LITTLE_ENDIAN));
  return Deno.UnsafePointer.create(n);
}

/** The `gaierror` for a getaddrinfo/getnameinfo code (or OSError for EAI_SYSTEM). */
export function gaiError(code: number, syscall: string, errnum?: number): error {
  if (code === C.EAI_SYSTEM && errnum !== undefined) return fromErrno(errnum, syscall);
  const message = readCString(libc.gai_strerror(code));
  const e = new gaierror(code, message);
  e.code = Object.keys(C).find((k) => k.startsWith("EAI_") && C[k] === code) ??
    null;
  e.syscall = syscall;
  return e;
}

/**
 * Throws the error of a failed `getaddrinfo(3)` of the C strings `node` and
 * `service`, naming what it was about: the host (also as `hostname`), or
 * the service when that is what failed (EAI_SERVICE) or there is no host.
 */
export function throwGai(
  code: number,
  syscall: string,
  errnum?: number,
  node: Uint8Array | null = null,
  service: Uint8Array | null = null,
): never {
  const e = gaiError(code, syscall, errnum);
  const host = node === null ? undefined : fsDecodeC(node);
  const serv = service === null ? undefined : fsDecodeC(service);
  const about = code === C.EAI_SERVICE || host === undefined ? serv ?? host : host;
  if (about !== undefined) annotate(e, plainText(about), { hostname: host });
  throw e;
}

/** A prepared call: C strings, hints and the result slot. */
export interface GaiCall {
  node: Uint8Array | null;
  service: Uint8Array | null;
  hints: Uint8Array;
  res: Uint8Array;
}

/** A zeroed `struct addrinfo` with the four hints set. */
export function hintsFor(family: number, type: number, proto: number, flags: number): Uint8Array {
  const hints = new Uint8Array(AI.size);
  const v = new DataView(hints.buffer);
  v.setInt32(AI.fields.ai_flags.offset, flags, LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_family.offset, family, LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_socktype.offset, type, LITTLE_ENDIAN);
  v.setInt32(AI.fields.ai_protocol.offset, proto, LITTLE_ENDIAN);
  return hints;
}

/** One result of {@linkcode lookup}: the fields and the raw sockaddr. */
export interface RawInfo {
  family: number;
  type: number;
  proto: number;
  canonname: string;
  sa: Uint8Array;
}

/** Reads (copies) and frees a getaddrinfo result list. */
export function collectRaw(res: Uint8Array): RawInfo[] {
  const head = readPtr(res);
  const out: RawInfo[] = [];
  try {
    for (let p = head; p !== null;) {
      const view = new Deno.UnsafePointerView(p);
      const len = view.getUint32(AI.fields.ai_addrlen.offset);
      const addrPtr = view.getPointer(AI.fields.ai_addr.offset);
      out.push({
        family: view.getInt32(AI.fields.ai_family.offset),
        type: view.getInt32(AI.fields.ai_socktype.offset),
        proto: view.getInt32(AI.fields.ai_protocol.offset),
        canonname: readCString(view.getPointer(AI.fields.ai_canonname.offset)),
        sa: addrPtr === null
          ? new Uint8Array(0)
          : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addrPtr, len).slice(0)),
      });
      p = view.getPointer(AI.fields.ai_next.offset);
    }
  } finally {
    if (head !== null) libc.freeaddrinfo(head);
  }
  return out;
}

/**
 * `getaddrinfo(3)` on C strings already encoded (no codec, no checks: the
 * caller has done them), with C-int hints. Throws gaierror.
 */
export function lookup(
  node: Uint8Array | null,
  service: Uint8Array | null,
  family: number,
  type = 0,
  flags = 0,
): RawInfo[] {
  const res = new Uint8Array(PTR);
  const rc = libc.getaddrinfo(node, service, hintsFor(family, type, 0, flags), res);
  if (rc !== 0) {
    throwGai(rc, "getaddrinfo", rc === C.EAI_SYSTEM ? lastErrno() : undefined, node, service);
  }
  return collectRaw(res);
}

/**
 * Runs a prepared `getaddrinfo(3)` on a worker thread; throws gaierror or
 * the signal's reason (the result is then freed once the thread is done).
 */
export async function runAsync(call: GaiCall, signal?: AbortSignal): Promise<void> {
  const pending = libc.getaddrinfo_nb(call.node, call.service, call.hints, call.res);
  let rc: number;
  if (signal) {
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      rc = await Promise.race([pending, aborted]);
      // A quick lookup can settle before an abort that came first in JS
      // order (e.g. right after this call): the abort still wins.
      signal.throwIfAborted();
    } catch (e) {
      // Free the result once the thread is done, then report the abort.
      pending.then((code) => {
        if (code === 0) {
          const head = readPtr(call.res);
          if (head !== null) libc.freeaddrinfo(head);
        }
      });
      throw e;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  } else {
    rc = await pending;
  }
  // errno after a call on another thread is meaningless: EAI_SYSTEM is
  // reported as a gaierror.
  if (rc !== 0) throwGai(rc, "getaddrinfo", undefined, call.node, call.service);
}

/** {@linkcode lookup} on a worker thread, abortable by `signal`. */
export async function lookupAsync(
  node: Uint8Array | null,
  service: Uint8Array | null,
  family: number,
  signal?: AbortSignal,
): Promise<RawInfo[]> {
  signal?.throwIfAborted();
  const call = { node, service, hints: hintsFor(family, 0, 0, 0), res: new Uint8Array(PTR) };
  await runAsync(call, signal);
  return collectRaw(call.res);
}
