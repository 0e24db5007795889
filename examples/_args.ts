/**
 * The command line of every example, handled the way tools handle theirs:
 *
 * - `--help` or `-h`: the usage line (and a few lines of help) on stdout,
 *   exit 0, before the example does anything;
 * - an unknown option, a missing or bad value, too many or too few
 *   arguments: what is wrong and the usage line on stderr, exit 2;
 * - `run(main)`: the errors a user can cause (a refused connection, an
 *   address in use, a name that does not resolve, an interface that does not
 *   exist) end the program with one line on stderr, `error: …`, and exit 1,
 *   rather than an uncaught exception's stack. Anything else (a bug) still
 *   throws.
 *
 * Options are `-c 3`, `--port 9`, `--port=9`; `--` ends them. Reads
 * `Deno.args` only, which needs no permission.
 *
 * @module
 */
import * as socket from "../mod.ts";

/** What an example accepts. */
export interface CliSpec {
  /** The usage line after `usage: `, from the file name on: `"ping.ts HOST [-c COUNT]"`. */
  usage: string;
  /** What `--help` prints after the usage line. */
  help?: string;
  /** Options that take a value (`-c`, `--port`). */
  values?: readonly string[];
  /** Options that take none (`-4`, `--no-loop`). */
  flags?: readonly string[];
  /** How many positional arguments: `[fewest, most]` (default none). */
  positionals?: readonly [number, number];
  /** The exit status of `error: …` (default 1; ping's is 2, as ping(8)'s). */
  errorStatus?: number;
}

/** An error the user caused and can fix: `run` prints `error: <message>`. */
export class UserError extends Error {
  override name = "UserError";
}

/** A parsed command line. */
export class Parsed {
  readonly #cli: Cli;
  readonly #values: Map<string, string[]>;
  readonly #flags: Set<string>;
  /** The positional arguments, in order. */
  readonly positionals: string[];

  constructor(cli: Cli, values: Map<string, string[]>, flags: Set<string>, pos: string[]) {
    this.#cli = cli;
    this.#values = values;
    this.#flags = flags;
    this.positionals = pos;
  }

  /** Whether flag `name` was given. */
  has(name: string): boolean {
    return this.#flags.has(name);
  }

  /** Every value option `name` was given, in order. */
  all(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  /** The last value of option `name`, or `fallback`. */
  get(name: string): string | undefined;
  get(name: string, fallback: string): string;
  get(name: string, fallback?: string): string | undefined {
    return this.all(name).at(-1) ?? fallback;
  }

  /** Option `name` as an integer from `min` to `max`, or `fallback`; else a usage error. */
  int<T extends number | null>(name: string, fallback: T, min: number, max: number): number | T {
    const v = this.get(name);
    return v === undefined ? fallback : this.#cli.int(v, name, min, max);
  }

  /** Option `name` as a number from `min` to `max`, or `fallback`; else a usage error. */
  number(name: string, fallback: number, min: number, max: number): number {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (v.trim() === "" || !(n >= min && n <= max)) {
      this.#cli.usage(`bad value for ${name}: ${JSON.stringify(v)} (${min} to ${max})`);
    }
    return n;
  }
}

/** One example's command line. */
export class Cli {
  readonly spec: CliSpec;

  constructor(spec: CliSpec) {
    this.spec = spec;
  }

  /** The program's name, as the usage line starts. */
  get name(): string {
    return this.spec.usage.split(" ")[0];
  }

  /**
   * Parses `args`. Exits with the usage on stdout (status 0) for `--help`,
   * and on stderr (status 2) for anything it does not accept.
   */
  parse(args: readonly string[] = Deno.args): Parsed {
    const values = new Map<string, string[]>();
    const flags = new Set<string>();
    const pos: string[] = [];
    const takesValue = new Set(this.spec.values ?? []);
    const isFlag = new Set(this.spec.flags ?? []);
    if (args.includes("--help") || args.includes("-h")) {
      const at = args.indexOf("--");
      const help = args.findIndex((a) => a === "--help" || a === "-h");
      if (at < 0 || help < at) this.help();
    }
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "--") {
        pos.push(...args.slice(i + 1));
        break;
      }
      if (!a.startsWith("-") || a === "-") {
        pos.push(a);
        continue;
      }
      const eq = a.startsWith("--") ? a.indexOf("=") : -1;
      const name = eq < 0 ? a : a.slice(0, eq);
      if (takesValue.has(name)) {
        const value = eq < 0 ? args[++i] : a.slice(eq + 1);
        if (value === undefined) this.usage(`option ${name} needs a value`);
        values.set(name, [...(values.get(name) ?? []), value]);
      } else if (isFlag.has(name) && eq < 0) {
        flags.add(name);
      } else {
        this.usage(`unknown option ${a}`);
      }
    }
    const [fewest, most] = this.spec.positionals ?? [0, 0];
    if (pos.length < fewest) this.usage("missing argument");
    if (pos.length > most) this.usage(`unexpected argument ${pos[most]}`);
    return new Parsed(this, values, flags, pos);
  }

  /** Prints the usage line and the help to stdout; exits 0. */
  help(): never {
    const help = this.spec.help ? `\n\n${this.spec.help.trimEnd()}` : "";
    console.log(`usage: ${this.spec.usage}${help}`);
    Deno.exit(0);
  }

  /** Prints `problem` and the usage line to stderr; exits 2. */
  usage(problem?: string): never {
    if (problem) console.error(`${this.name}: ${problem}`);
    console.error(`usage: ${this.spec.usage}`);
    console.error(`(${this.name} --help for more)`);
    Deno.exit(2);
  }

  /** `text` as an integer from `min` to `max`; a usage error otherwise. */
  int(text: string, what: string, min: number, max: number): number {
    const n = Number(text);
    if (!/^[+-]?\d+$/.test(text.trim()) || n < min || n > max) {
      const range = max >= Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
      this.usage(`bad value for ${what}: ${JSON.stringify(text)} (an integer, ${range})`);
    }
    return n;
  }

  /** Ends `run`'s main with `error: <message>`. */
  fail(message: string): never {
    throw new UserError(message);
  }

  /**
   * Runs `main`. A UserError or an OS error (`socket.error`: refused, in
   * use, unreachable, a failed lookup, …) prints `error: <message>` and
   * exits with `errorStatus`; `using` blocks and `finally` clauses in
   * `main` have run by then. Any other exception is rethrown.
   */
  async run(main: () => void | Promise<void>): Promise<void> {
    try {
      await main();
    } catch (e) {
      if (!(e instanceof UserError || e instanceof socket.error)) throw e;
      console.error(`error: ${e.message}`);
      Deno.exit(this.spec.errorStatus ?? 1);
    }
  }
}

/** What the select/selectors/socketserver examples accept. */
export interface ExampleArgs {
  port: number;
  count: number | null;
  cli: Cli;
}

/**
 * `--port N` (default `defaultPort`, 0 for any free port) and `--count N`
 * (stop after N clients or requests; default: run until stdin closes), the
 * two options the select/selectors/socketserver examples share.
 */
export function exampleArgs(file: string, defaultPort: number, help?: string): ExampleArgs {
  const cli = new Cli({
    usage: `${file} [--port N] [--count N]`,
    values: ["--port", "--count"],
    help: (help ? `${help.trimEnd()}\n\n` : "") +
      `--port N   the TCP/UDP port on 127.0.0.1 (default ${defaultPort}; 0: any free port)\n` +
      "--count N  stop after N clients or requests (default: when stdin closes)",
  });
  const args = cli.parse();
  return {
    port: args.int("--port", defaultPort, 0, 65535),
    count: args.int("--count", null, 1, Number.MAX_SAFE_INTEGER),
    cli,
  };
}
