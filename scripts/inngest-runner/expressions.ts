/**
 * The small subset of Inngest's CEL expressions that trigger `if`s, `waitForEvent` `match`/`if` and the
 * SDK's own onFailure trigger use:
 *
 *   operands    `event.a.b`, `async.a.b` (dotted field paths), 'single' or "double" quoted strings,
 *               numbers, true, false, null
 *   comparisons ==  !=  <  <=  >  >=   (ordering only between two numbers or two strings)
 *   logic       &&  ||  and parentheses; a bare operand counts as true only if it is the boolean true
 *   choice      cond ? a : b  (binding loosest, as in CEL), for `priority.run` and concurrency `key`s
 *
 * Anything else (`!`, functions, `in`, arithmetic, indexing) is a syntax error, so the caller can say
 * so instead of guessing. As in CEL, reading a field that is not there makes the expression false.
 */

export interface Bindings {
  /** The event that triggered the run (or the event tested against a trigger). */
  event?: unknown;
  /** The incoming event a `waitForEvent` is tested against. */
  async?: unknown;
}

type Node = (vars: Bindings) => unknown;

export class ExpressionError extends Error {}

class MissingField extends Error {}

const TOKEN =
  /\s*(?:(&&|\|\||==|!=|<=|>=|<|>|\(|\)|\?|:)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))/y;

type Token = { op: string } | { value: unknown } | { path: string[] };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new ExpressionError(`unsupported syntax at "${source.slice(at).trim()}" in: ${source}`);
    const [, op, single, double, num, ident] = m;
    if (op) tokens.push({ op });
    else if (single !== undefined || double !== undefined) tokens.push({ value: (single ?? double).replace(/\\(.)/g, "$1") });
    else if (num) tokens.push({ value: Number(num) });
    else if (ident === "true" || ident === "false") tokens.push({ value: ident === "true" });
    else if (ident === "null") tokens.push({ value: null });
    else {
      const path = ident.split(".");
      if (path[0] !== "event" && path[0] !== "async") throw new ExpressionError(`unknown variable "${path[0]}" in: ${source}`);
      tokens.push({ path });
    }
  }
  return tokens;
}

/** Compiles `source` once; the result evaluates it against events. Throws ExpressionError on syntax outside the subset. */
export function compileExpression(source: string): (vars: Bindings) => boolean {
  const root = parse(source);
  return (vars) => {
    try {
      return isTrue(root, vars);
    } catch (err) {
      if (err instanceof MissingField) return false;
      throw err;
    }
  };
}

/** Like compileExpression, for expressions that yield a value (a priority factor, a concurrency key); a missing field yields undefined. */
export function compileValueExpression(source: string): (vars: Bindings) => unknown {
  const root = parse(source);
  return (vars) => {
    try {
      return root(vars);
    } catch (err) {
      if (err instanceof MissingField) return undefined;
      throw err;
    }
  };
}

function parse(source: string): Node {
  const tokens = tokenize(source);
  let pos = 0;
  const peekOp = () => {
    const token = tokens[pos];
    return token && "op" in token ? token.op : undefined;
  };
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} in: ${source}`);
  };

  const parseChoice = (): Node => {
    const condition = parseOr();
    if (peekOp() !== "?") return condition;
    pos++;
    const whenTrue = parseChoice();
    if (peekOp() !== ":") fail(`missing ":"`);
    pos++;
    const whenFalse = parseChoice();
    return (vars) => (isTrue(condition, vars) ? whenTrue(vars) : whenFalse(vars));
  };
  const parseOr = (): Node => {
    let left = parseAnd();
    while (peekOp() === "||") {
      pos++;
      const [l, r] = [left, parseAnd()];
      left = (vars) => isTrue(l, vars) || isTrue(r, vars);
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parseComparison();
    while (peekOp() === "&&") {
      pos++;
      const [l, r] = [left, parseComparison()];
      left = (vars) => isTrue(l, vars) && isTrue(r, vars);
    }
    return left;
  };
  const parseComparison = (): Node => {
    const left = parseOperand();
    const op = peekOp();
    if (!op || !["==", "!=", "<", "<=", ">", ">="].includes(op)) return left;
    pos++;
    const right = parseOperand();
    return (vars) => compare(op, left(vars), right(vars));
  };
  const parseOperand = (): Node => {
    const token = tokens[pos++] ?? fail("unexpected end");
    if ("value" in token) return () => token.value;
    if ("path" in token) return (vars) => read(vars, token.path);
    if (token.op !== "(") return fail(`unexpected "${token.op}"`);
    const inner = parseChoice();
    if (peekOp() !== ")") fail(`missing ")"`);
    pos++;
    return inner;
  };

  const root = parseChoice();
  if (pos < tokens.length) fail("unexpected trailing input");
  return root;
}

function isTrue(node: Node, vars: Bindings): boolean {
  return node(vars) === true;
}

function read(vars: Bindings, [root, ...fields]: string[]): unknown {
  let value: unknown = vars[root as keyof Bindings];
  for (const field of fields) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, field)) throw new MissingField();
    value = (value as Record<string, unknown>)[field];
  }
  return value;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === "==") return equal(a, b);
  if (op === "!=") return !equal(a, b);
  // CEL refuses to order mixed types; a refused comparison does not match.
  const ordered = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!ordered) return false;
  const [x, y] = [a as number | string, b as number | string];
  return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Maps and lists compare by value in CEL.
  return typeof a === "object" && typeof b === "object" && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
