/**
 * The two options the select/selectors/socketserver examples share:
 * `--port N` (default 50007, 0 for any free port) and `--count N` (stop
 * after N clients or requests; default: run until stdin closes).
 * Reads `Deno.args` only, which needs no permission.
 *
 * @module
 */

/** Parsed example options. */
export interface ExampleArgs {
  port: number;
  count: number | null;
}

/** Parses `--port N` and `--count N` from `Deno.args`. */
export function exampleArgs(defaultPort = 50007): ExampleArgs {
  const out: ExampleArgs = { port: defaultPort, count: null };
  const args = Deno.args;
  for (let i = 0; i < args.length; i++) {
    const v = Number(args[i + 1]);
    if (args[i] === "--port" && Number.isInteger(v)) out.port = v, i++;
    else if (args[i] === "--count" && Number.isInteger(v)) out.count = v, i++;
    else throw new Error(`usage: [--port N] [--count N] (got ${args[i]})`);
  }
  return out;
}
