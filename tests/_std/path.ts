/**
 * Local stand-in for `jsr:@std/path`: the functions this project uses,
 * with upstream's names and signatures, from Node's `node:path` (POSIX).
 *
 * @module
 */
import nodePath from "node:path";

/** Joins path segments (upstream `join`). */
export function join(...paths: string[]): string {
  return nodePath.posix.join(...paths);
}

/** Directory name of a path (upstream `dirname`). */
export function dirname(path: string): string {
  return nodePath.posix.dirname(path);
}

/** Last portion of a path (upstream `basename`). */
export function basename(path: string, suffix = ""): string {
  return nodePath.posix.basename(path, suffix);
}

/** Resolves segments to an absolute path (upstream `resolve`). */
export function resolve(...paths: string[]): string {
  return nodePath.posix.resolve(...paths);
}

/** Converts a `file:` URL to a path (upstream `fromFileUrl`). */
export function fromFileUrl(url: string | URL): string {
  const u = url instanceof URL ? url : new URL(url);
  if (u.protocol !== "file:") throw new TypeError("Must be a file URL.");
  const path = decodeURIComponent(u.pathname);
  // file:///C:/dir/x → C:/dir/x (Windows; Deno takes forward slashes there)
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** Converts an absolute path to a `file:` URL (upstream `toFileUrl`); Windows drive paths too. */
export function toFileUrl(path: string): URL {
  const p = path.replace(/\\/g, "/");
  return new URL(`file://${/^[A-Za-z]:\//.test(p) ? "/" : ""}${encodeURI(p)}`);
}
