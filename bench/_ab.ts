/**
 * `bench/run.ts --against <rev>`: the library of another commit, measured by
 * this tree's bench scripts in the same invocation. The commit is checked out
 * with `git worktree add --detach` into a fresh temp dir (committed files
 * only, so it works on a fresh clone), its `mod.ts` is handed to the `ours_*`
 * scripts through `LIBC_SOCKET_BENCH_MOD` (see `_lib.ts`), and each "ours"
 * competitor gets a twin row right after it, so the two alternate within
 * every round. The worktree is removed at the end, also on errors and on
 * SIGINT/SIGTERM ({@linkcode removeWorktree} is synchronous for that).
 *
 * @module
 */
import { BENCH_DIR, type Comp, DENO, Proc, run } from "./_harness.ts";
import { LIB_ENV } from "./_lib.ts";

/** The other commit's tree. */
export interface OtherTree {
  /** The revision as given. */
  rev: string;
  /** Its abbreviated commit hash. */
  short: string;
  /** The worktree's directory. */
  dir: string;
  /** The `mod.ts` to benchmark, as a `file:` URL. */
  mod: string;
  /** Why its library cannot be benchmarked, or null when it can. */
  unusable: string | null;
}

/** This tree's commit, abbreviated, with `+` when it has uncommitted changes. */
export async function describeHere(): Promise<string> {
  const head = await run(["git", "-C", BENCH_DIR, "rev-parse", "--short", "HEAD"]);
  if (!head.ok) return "this tree";
  const st = await run(["git", "-C", BENCH_DIR, "status", "--porcelain", "--untracked-files=no"]);
  return head.out + (st.ok && st.out !== "" ? "+" : "");
}

/** The worktree created by this process: [repository root, temp dir, worktree dir]. */
let created: [string, string, string] | null = null;

/**
 * Checks out `rev` into a new temp dir and probes its library in a child
 * process. Throws when `rev` names no commit or git fails.
 */
export async function addWorktree(rev: string): Promise<OtherTree> {
  const top = await run(["git", "-C", BENCH_DIR, "rev-parse", "--show-toplevel"]);
  if (!top.ok) throw new Error(`--against needs a git checkout: ${top.out}`);
  const root = top.out;
  const sha = await run(["git", "-C", root, "rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  if (!sha.ok || !/^[0-9a-f]{40,64}$/.test(sha.out)) {
    throw new Error(
      `--against ${rev}: no such commit here (in a shallow clone, \`git fetch --unshallow\` first)`,
    );
  }
  const short = (await run(["git", "-C", root, "rev-parse", "--short", sha.out])).out;
  const tmp = await Deno.makeTempDir({ prefix: "libc-socket-bench-against-" });
  const dir = `${tmp}/tree`;
  created = [root, tmp, dir];
  const add = await run(["git", "-C", root, "worktree", "add", "--detach", dir, sha.out]);
  if (!add.ok) throw new Error(`git worktree add failed: ${add.out}`);
  const mod = "file://" + `${dir}/mod.ts`.split("/").map(encodeURIComponent).join("/");
  return { rev, short, dir, mod, unusable: await probe(mod) };
}

/** Imports the other commit's library in a child; null when it exports `socket()`. */
async function probe(mod: string): Promise<string | null> {
  const code = `const m = await import(${JSON.stringify(mod)});\n` +
    `console.log(typeof m.socket === "function" ? "ok" : "mod.ts exports no socket() function");`;
  const p = new Proc("library probe", [DENO, "eval", "--quiet", code]);
  try {
    const { text, code: status } = await p.output(60, "its verdict");
    const verdict = text.trim().split("\n").at(-1) ?? "";
    if (status === 0 && verdict === "ok") return null;
    const why = verdict || p.stderrTail().split("\n").find((l) => /error/i.test(l)) ||
      `exit status ${status}`;
    return `cannot import its mod.ts: ${why.slice(0, 200)}`;
  } finally {
    await p.kill();
  }
}

/** Removes the worktree (and its temp dir) made by {@linkcode addWorktree}; idempotent. */
export function removeWorktree(): void {
  if (!created) return;
  const [root, tmp, dir] = created;
  created = null;
  let exists = false;
  try {
    exists = Deno.statSync(dir).isDirectory;
  } catch { /* git worktree add never made it */ }
  if (exists) {
    try {
      const r = new Deno.Command("git", {
        args: ["-C", root, "worktree", "remove", "--force", dir],
        stdout: "null",
        stderr: "piped",
      }).outputSync();
      if (!r.success) {
        console.error(
          `! git worktree remove ${dir} failed (${
            new TextDecoder().decode(r.stderr).trim()
          }); \`git worktree prune\` cleans up after the directory is gone`,
        );
      }
    } catch (e) {
      console.error(`! git worktree remove ${dir}: ${e instanceof Error ? e.message : e}`);
    }
  }
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* already gone */ }
}

/**
 * `comps` with, after each of this library's rows, a twin that runs the other
 * commit's library (same program, `LIBC_SOCKET_BENCH_MOD` set), so A and B
 * alternate within each round. Without `other`, `comps` unchanged.
 */
export function withTwins(comps: Comp[], other: OtherTree | null): Comp[] {
  if (!other || other.unusable) return comps;
  return comps.flatMap((c) =>
    c.group !== "ours" ? [c] : [c, {
      ...c,
      id: `${c.id}@${other.short}`,
      label: `${c.label} @${other.short}`,
      env: { ...c.env, [LIB_ENV]: other.mod },
      twinOf: c.id,
    }]
  );
}
