/**
 * # @libc/socket/lint
 *
 * A `deno lint` plugin that catches the blocking trap: Python's names block
 * the thread (`recv`, `accept`, `select`, …), and `await s.recv(10)` passes
 * the type checker and `deno lint` while it freezes every timer and promise
 * of the thread for as long as the call waits. The rule
 * `libc-socket/no-await-blocking` flags an `await` placed directly on a call
 * of a blocking method that has an async twin, and offers the twin as a fix
 * (`deno lint --fix`).
 *
 * It reads syntax, not types. Names only this library uses (`recv_into`,
 * `recvfrom`, `sendall`, `sendto`, the msg family) are flagged on any
 * receiver. Names that other APIs also await (`accept` and `send` of
 * `Deno.Listener` and `Deno.DatagramConn`, `recv`, `connect`, `select`) are
 * flagged only on a receiver the file shows to be one of ours: a binding made
 * by `socket()`, `create_connection()`, `create_server()`, `socketpair()`,
 * `fromfd()`, `dup()`, `accept()` or a selector constructor, or one annotated
 * `Socket`/`…Selector`. Silence a line that means it with
 * `// deno-lint-ignore libc-socket/no-await-blocking`.
 *
 * Enable it in your `deno.json`:
 *
 * ```json
 * { "lint": { "plugins": ["jsr:@libc/socket/lint"] } }
 * ```
 *
 * @example Running the rule on a source text
 * ```ts
 * import plugin from "@libc/socket/lint";
 * const found = Deno.lint.runPlugin(
 *   plugin,
 *   "main.ts",
 *   "export async function f(s: Socket) { await s.recv(10); }",
 * );
 * console.log(found[0].message); // "`await` on s.recv() blocks the thread: …"
 * ```
 *
 * @module
 */

/** Each blocking method, by its Python name, with its async twin. */
export const ASYNC_TWINS: Readonly<Record<string, string>> = Object.freeze({
  accept: "acceptAsync",
  connect: "connectAsync",
  getaddrinfo: "getaddrinfoAsync",
  recv: "recvAsync",
  recv_into: "recv_intoAsync",
  recvfrom: "recvfromAsync",
  recvmsg: "recvmsgAsync",
  recvmmsg: "recvmmsgAsync",
  recvmmsg_into: "recvmmsg_intoAsync",
  select: "selectAsync",
  send: "sendAsync",
  sendall: "sendallAsync",
  sendmmsg: "sendmmsgAsync",
  sendmsg: "sendmsgAsync",
  sendto: "sendtoAsync",
});

/**
 * Names that other APIs also use for awaitable methods (`Deno.Listener.accept`,
 * `Deno.DatagramConn.send`, …): flagged only on a receiver known to be a
 * socket or selector of this library (see {@linkcode isOurs}).
 */
const AMBIGUOUS = new Set(["accept", "connect", "recv", "select", "send"]);
/** Calls whose result is a socket (or, destructured, sockets). */
const SOCKET_FACTORIES = new Set([
  "socket",
  "create_connection",
  "create_server",
  "socketpair",
  "fromfd",
  "dup",
  "accept",
  "acceptAsync",
]);
/** Type names that mark a parameter or variable as one of ours. */
const OUR_TYPES = /^(Socket|SocketType|\w*Selector)$/;

function calleeName(node: Deno.lint.Node | null | undefined): string | null {
  if (node?.type === "AwaitExpression") return calleeName(node.argument);
  if (node?.type !== "CallExpression" && node?.type !== "NewExpression") return null;
  const c = node.callee;
  if (c.type === "Identifier") return c.name;
  if (c.type === "MemberExpression" && c.property.type === "Identifier") return c.property.name;
  return null;
}

function typeNameOf(id: Deno.lint.Node): string | null {
  const ann = "typeAnnotation" in id ? id.typeAnnotation : undefined;
  const t = ann && "typeAnnotation" in ann ? ann.typeAnnotation : undefined;
  if (t?.type !== "TSTypeReference") return null;
  const n = t.typeName;
  if (n.type === "Identifier") return n.name;
  if (n.type === "TSQualifiedName" && n.right.type === "Identifier") return n.right.name;
  return null;
}

/** The `deno lint` plugin: one rule, `no-await-blocking`. */
const plugin: Deno.lint.Plugin = {
  name: "libc-socket",
  rules: {
    "no-await-blocking": {
      create(context) {
        /** Bindings known to hold one of our sockets or selectors. */
        const ours = new Set<string>();
        const mark = (target: Deno.lint.Node, init?: Deno.lint.Node | null) => {
          const made = init !== null && init !== undefined && (() => {
            const name = calleeName(init);
            return name !== null && (SOCKET_FACTORIES.has(name) || OUR_TYPES.test(name));
          })();
          if (target.type === "Identifier") {
            const t = typeNameOf(target);
            if (made || (t !== null && OUR_TYPES.test(t))) ours.add(target.name);
          } else if (target.type === "ArrayPattern" && made) {
            for (const e of target.elements) if (e?.type === "Identifier") ours.add(e.name);
          }
        };
        const markParams = (fn: { params: readonly Deno.lint.Parameter[] }) => {
          for (const p of fn.params) if (p.type === "Identifier") mark(p as Deno.lint.Node);
        };
        const isOurs = (owner: Deno.lint.Node): boolean =>
          (owner.type === "Identifier" && (ours.has(owner.name) || owner.name === "select")) ||
          (owner.type === "MemberExpression" && !owner.computed &&
            owner.property.type === "Identifier" && owner.property.name === "server");
        return {
          VariableDeclarator(node) {
            mark(node.id, node.init);
          },
          // parameters with a type annotation (`s: socket.Socket`), marked
          // when the function is entered, before its body is visited
          FunctionDeclaration: markParams,
          FunctionExpression: markParams,
          ArrowFunctionExpression: markParams,
          AwaitExpression(node) {
            const call = node.argument;
            if (call.type !== "CallExpression") return;
            const callee = call.callee;
            let id: Deno.lint.Identifier;
            let owner = "";
            if (
              callee.type === "MemberExpression" && !callee.computed &&
              callee.property.type === "Identifier"
            ) {
              id = callee.property;
              if (!Object.hasOwn(ASYNC_TWINS, id.name)) return;
              if (AMBIGUOUS.has(id.name) && !isOurs(callee.object)) return;
              owner = callee.object.type === "Identifier" ? `${callee.object.name}.` : "";
            } else if (callee.type === "Identifier") {
              // a bare call: only the module functions imported by name
              id = callee;
              if (id.name !== "select" && id.name !== "getaddrinfo") return;
            } else {
              return;
            }
            const twin = ASYNC_TWINS[id.name];
            context.report({
              node,
              message: `\`await\` on ${owner}${id.name}() blocks the thread: ${id.name} is ` +
                `synchronous and freezes every timer and promise while it waits`,
              hint: `Call the async twin: ${owner}${twin}(…)`,
              fix(fixer) {
                return fixer.replaceText(id, twin);
              },
            });
          },
        };
      },
    },
  },
};

export default plugin;
