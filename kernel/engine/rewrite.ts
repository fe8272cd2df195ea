/**
 * Turns a cell's JavaScript (TypeScript's output, types already erased) into the body of an async
 * function whose top-level bindings live on a per-session scope object.
 *
 * Why: cells run on the main realm with `vm.Script#runInThisContext`, where a script-level `const x` is a
 * global lexical binding that can never be declared again. A notebook must let the user re-run
 * `const x = 1`. So every top-level declaration becomes an assignment to `scope.x`, and every reference
 * to a top-level name (of this cell or an earlier one) becomes `scope.x`, unless an inner declaration
 * shadows it. References are rewritten everywhere, also inside closures, so a function defined in cell 1
 * sees `x` redefined in cell 5 (live bindings, as in Python or Deno's REPL).
 *
 * This runs as an `after` transformer of `ts.transpileModule`, so TypeScript's printer writes the source
 * map from the cell's TypeScript positions straight to the final JavaScript.
 */
import type * as TS from "typescript";
import type { TypeScript } from "./typescript.js";

/** Parameter names of the generated cell function (odd on purpose: user code never collides with them). */
export const SCOPE = "__gradlab_scope";
export const IMPORT = "__gradlab_import";

export interface RewriteOptions {
  /** Names defined by earlier cells: they already live on the scope object. */
  known: ReadonlySet<string>;
  /** Length of the user's code; anything after it in the file (the checker's suffix) is generated. */
  userEnd: number;
  /**
   * Statements the checker appended to reach earlier cells' declarations (their names are on the scope
   * already), judged on the original TypeScript node.
   */
  isGenerated?: (original: TS.Node) => boolean;
  /** Filled in: top-level names this cell defines at run time, and whether the cell has a value. */
  result: { declared: string[]; hasValue: boolean };
}

export function scopeRewriter(ts: TypeScript, options: RewriteOptions): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (file) => rewriteCell(ts, context, file, options);
}

function rewriteCell(
  ts: TypeScript,
  context: TS.TransformationContext,
  file: TS.SourceFile,
  options: RewriteOptions,
): TS.SourceFile {
  const f = context.factory;
  const K = ts.SyntaxKind;
  const source = ts.getOriginalNode(file) as TS.SourceFile;
  const valueStatement = findValueStatement(ts, source, options.userEnd);

  const top = new Set<string>();
  const generated = (st: TS.Statement) => options.isGenerated?.(ts.getOriginalNode(st)) ?? false;
  const statements = file.statements.filter((st) => !generated(st));
  for (const st of statements) collectTopLevelNames(ts, st, top);
  // (not copied into one set: `known` may hold thousands of names)
  const scopeNames = { has: (name: string) => top.has(name) || options.known.has(name) };

  // `var` inside a top-level block (`for (var i ...)`) stays local to the cell's function.
  const nestedVars = new Set<string>();
  for (const st of statements) if (!ts.isVariableStatement(st)) collectVarNames(ts, st, nestedVars);
  let shadow: ReadonlySet<string> = new Set([...nestedVars].filter((n) => !top.has(n)));

  const scopeRef = (name: string, range?: TS.TextRange): TS.Expression => {
    const ref = f.createPropertyAccessExpression(f.createIdentifier(SCOPE), f.createIdentifier(name));
    return range ? ts.setTextRange(ref, range) : ref;
  };
  const inScope = (name: string) => scopeNames.has(name) && !shadow.has(name);

  const withShadow = <T>(declared: Iterable<string>, run: () => T): T => {
    const added = [...declared].filter((n) => scopeNames.has(n) && !shadow.has(n));
    if (added.length === 0) return run();
    const saved = shadow;
    shadow = new Set([...saved, ...added]);
    try {
      return run();
    } finally {
      shadow = saved;
    }
  };

  const visitChildren = <T extends TS.Node>(node: T): T =>
    ts.visitEachChild(node, (child) => visit(child, node), context);

  const visit = (node: TS.Node, parent: TS.Node): TS.Node => {
    if (ts.isIdentifier(node)) {
      return isReference(ts, node, parent) && inScope(node.text) ? scopeRef(node.text, node) : node;
    }
    if (ts.isShorthandPropertyAssignment(node) && inScope(node.name.text)) {
      const target = scopeRef(node.name.text, node.name);
      const init = node.objectAssignmentInitializer;
      const value = init ? f.createAssignment(target, visit(init, node) as TS.Expression) : target;
      return ts.setTextRange(f.createPropertyAssignment(node.name.text, value), node);
    }
    const callee = ts.isCallExpression(node)
      ? node.expression
      : ts.isTaggedTemplateExpression(node)
        ? node.tag
        : undefined;
    if (callee && ts.isIdentifier(callee) && inScope(callee.text)) {
      // `f()` → `(0, scope.f)()`: the function is called with `this` undefined, as the user wrote it
      const target = f.createComma(f.createNumericLiteral(0), scopeRef(callee.text, callee));
      if (ts.isCallExpression(node)) {
        const args = node.arguments.map((a) => visit(a, node) as TS.Expression);
        return f.updateCallExpression(node, target, undefined, args);
      }
      const tagged = node as TS.TaggedTemplateExpression;
      return f.updateTaggedTemplateExpression(
        tagged,
        target,
        undefined,
        visit(tagged.template, node) as TS.TemplateLiteral,
      );
    }
    if (ts.isCallExpression(node) && node.expression.kind === K.ImportKeyword) {
      // dynamic import(): resolve from the notebook's folder like a static import
      const args = node.arguments.map((a) => visit(a, node) as TS.Expression);
      return ts.setTextRange(f.createCallExpression(f.createIdentifier(IMPORT), undefined, args), node);
    }
    if (ts.isMetaProperty(node) && node.keywordToken === K.ImportKeyword) {
      return ts.setTextRange(f.createPropertyAccessExpression(f.createIdentifier(IMPORT), "meta"), node);
    }
    const declared = scopeDeclarations(ts, node);
    return declared ? withShadow(declared, () => visitChildren(node)) : visitChildren(node);
  };
  const visitExpr = (e: TS.Expression, parent: TS.Node) => visit(e, parent) as TS.Expression;

  /** A binding pattern of a top-level declaration as an assignment target on the scope. */
  const assignmentTarget = (name: TS.BindingName): TS.Expression => {
    if (ts.isIdentifier(name)) return scopeRef(name.text, name);
    if (ts.isObjectBindingPattern(name)) {
      return f.createObjectLiteralExpression(
        name.elements.map((el) => {
          const target = assignmentTarget(el.name);
          if (el.dotDotDotToken) return f.createSpreadAssignment(target);
          const key = el.propertyName
            ? ts.isComputedPropertyName(el.propertyName)
              ? f.createComputedPropertyName(visitExpr(el.propertyName.expression, el))
              : el.propertyName
            : (el.name as TS.Identifier).text;
          const value = el.initializer ? f.createAssignment(target, visitExpr(el.initializer, el)) : target;
          return f.createPropertyAssignment(key, value);
        }),
      );
    }
    return f.createArrayLiteralExpression(
      name.elements.map((el) => {
        if (ts.isOmittedExpression(el)) return f.createOmittedExpression();
        const target = assignmentTarget(el.name);
        if (el.dotDotDotToken) return f.createSpreadElement(target);
        return el.initializer ? f.createAssignment(target, visitExpr(el.initializer, el)) : target;
      }),
    );
  };

  let moduleCount = 0;
  const importStatements = (decl: TS.ImportDeclaration): TS.Statement[] => {
    const spec = (decl.moduleSpecifier as TS.StringLiteral).text;
    const load = f.createAwaitExpression(
      f.createCallExpression(f.createIdentifier(IMPORT), undefined, [f.createStringLiteral(spec)]),
    );
    const clause = decl.importClause;
    if (!clause) return [ts.setTextRange(f.createExpressionStatement(load), decl)];
    const bindings = importBindings(ts, clause);
    if (bindings.length === 0) return [];
    const temp = `__gradlab_module${moduleCount++}`;
    const tempDecl = f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList(
        [f.createVariableDeclaration(temp, undefined, undefined, load)],
        ts.NodeFlags.Const,
      ),
    );
    const assigns = bindings.map((b) => {
      const from = f.createIdentifier(temp);
      const value =
        b.imported === "*"
          ? from
          : /^[A-Za-z_$][\w$]*$/.test(b.imported)
            ? f.createPropertyAccessExpression(from, b.imported)
            : f.createElementAccessExpression(from, f.createStringLiteral(b.imported));
      return f.createAssignment(scopeRef(b.local), value);
    });
    return [
      ts.setTextRange(tempDecl, decl),
      ts.setTextRange(f.createExpressionStatement(commaList(f, assigns)), decl),
    ];
  };

  const imports: TS.Statement[] = [];
  const functions: TS.Statement[] = [];
  const body: TS.Statement[] = [];
  for (const st of statements) {
    if (ts.isImportDeclaration(st)) {
      imports.push(...importStatements(st));
    } else if (ts.isExportDeclaration(st) || ts.isImportEqualsDeclaration(st)) {
      // `export { a }`: the names already live on the scope; nothing to run
    } else if (ts.isExportAssignment(st)) {
      body.push(ts.setTextRange(f.createExpressionStatement(visitExpr(st.expression, st)), st));
    } else if (ts.isFunctionDeclaration(st)) {
      if (!st.body || !st.name) continue;
      const fn = visit(st, file) as TS.FunctionDeclaration;
      const modifiers = ts.getModifiers(fn)?.filter((m) => m.kind === K.AsyncKeyword);
      const expr = f.createFunctionExpression(
        modifiers,
        fn.asteriskToken,
        fn.name,
        undefined,
        fn.parameters,
        undefined,
        fn.body!,
      );
      functions.push(
        ts.setTextRange(f.createExpressionStatement(f.createAssignment(scopeRef(st.name.text), expr)), st),
      );
    } else if (ts.isClassDeclaration(st) && st.name) {
      const cls = visit(st, file) as TS.ClassDeclaration;
      const modifiers = ts
        .getModifiers(cls)
        ?.filter((m) => m.kind !== K.ExportKeyword && m.kind !== K.DefaultKeyword);
      const expr = f.createClassExpression(modifiers, cls.name, undefined, cls.heritageClauses, cls.members);
      body.push(
        ts.setTextRange(f.createExpressionStatement(f.createAssignment(scopeRef(st.name.text), expr)), st),
      );
    } else if (ts.isVariableStatement(st)) {
      const assigns = st.declarationList.declarations.map((d) =>
        f.createAssignment(
          assignmentTarget(d.name),
          d.initializer ? visitExpr(d.initializer, d) : f.createVoidZero(),
        ),
      );
      body.push(ts.setTextRange(f.createExpressionStatement(commaList(f, assigns)), st));
    } else if (valueStatement && ts.isExpressionStatement(st) && ts.getOriginalNode(st) === valueStatement) {
      // the cell's value: wrapped in an object so a returned promise is shown, not awaited
      const value = f.createObjectLiteralExpression([
        f.createPropertyAssignment("value", visitExpr(st.expression, st)),
      ]);
      body.push(ts.setTextRange(f.createReturnStatement(value), st));
      options.result.hasValue = true;
    } else {
      body.push(visit(st, file) as TS.Statement);
    }
  }
  options.result.declared = [...top];
  return f.updateSourceFile(file, [...imports, ...functions, ...body]);
}

/** The cell's last statement, when it is an expression without a trailing `;`: its value is shown. */
export function findValueStatement(
  ts: TypeScript,
  source: TS.SourceFile,
  userEnd: number,
): TS.ExpressionStatement | undefined {
  let last: TS.Statement | undefined;
  for (const st of source.statements) if (st.getStart(source) < userEnd) last = st;
  if (!last || !ts.isExpressionStatement(last)) return undefined;
  // The statement may run into generated text after the user's code; only the user's `;` counts.
  return semicolonFollows(source.text, last.expression.end, userEnd) ? undefined : last;
}

/** Whether the next token in text[from, to) after whitespace and comments is `;`. */
function semicolonFollows(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === ";") return true;
    if (/\s/.test(c)) i++;
    else if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? to : text.indexOf("\n", i);
    else if (text.startsWith("/*", i)) i = text.indexOf("*/", i + 2) < 0 ? to : text.indexOf("*/", i + 2) + 2;
    else return false;
  }
  return false;
}

function commaList(f: TS.NodeFactory, exprs: TS.Expression[]): TS.Expression {
  // (empty only for code with syntax errors, which never runs)
  return exprs.length ? exprs.reduce((a, b) => f.createComma(a, b)) : f.createVoidZero();
}

interface ImportBinding {
  /** Exported name, "default", or "*" for a namespace import. */
  imported: string;
  local: string;
}

function importBindings(ts: TypeScript, clause: TS.ImportClause): ImportBinding[] {
  if (clause.isTypeOnly) return [];
  const out: ImportBinding[] = [];
  if (clause.name) out.push({ imported: "default", local: clause.name.text });
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) out.push({ imported: "*", local: nb.name.text });
  if (nb && ts.isNamedImports(nb)) {
    for (const el of nb.elements) {
      if (el.isTypeOnly) continue;
      out.push({ imported: (el.propertyName ?? el.name).text, local: el.name.text });
    }
  }
  return out;
}

/** Names a top-level statement defines at run time. */
function collectTopLevelNames(ts: TypeScript, st: TS.Statement, out: Set<string>): void {
  if (ts.isVariableStatement(st)) {
    for (const d of st.declarationList.declarations) collectBindingNames(ts, d.name, out);
  } else if ((ts.isFunctionDeclaration(st) && st.body) || ts.isClassDeclaration(st)) {
    if (st.name) out.add(st.name.text);
  } else if (ts.isImportDeclaration(st) && st.importClause) {
    for (const b of importBindings(ts, st.importClause)) out.add(b.local);
  }
}

export function collectBindingNames(ts: TypeScript, name: TS.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) {
    out.add(name.text);
    return;
  }
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectBindingNames(ts, el.name, out);
}

/** `var` names hoisted to the enclosing function from `node` (not entering nested functions). */
function collectVarNames(ts: TypeScript, node: TS.Node, out: Set<string>): void {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
  if (ts.isVariableDeclarationList(node)) {
    if ((node.flags & ts.NodeFlags.BlockScoped) === 0) {
      for (const d of node.declarations) collectBindingNames(ts, d.name, out);
    }
  }
  ts.forEachChild(node, (child) => collectVarNames(ts, child, out));
}

/** Names declared directly in a block (let, const, class, function: all block-scoped in strict code). */
function lexicalNames(ts: TypeScript, statements: readonly TS.Statement[], out: Set<string>): void {
  for (const st of statements) {
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.BlockScoped) {
      for (const d of st.declarationList.declarations) collectBindingNames(ts, d.name, out);
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      out.add(st.name.text);
    }
  }
}

/** The names a scope-creating node declares for its children; undefined when the node has no scope. */
function scopeDeclarations(ts: TypeScript, node: TS.Node): Set<string> | undefined {
  if (ts.isFunctionLike(node)) {
    const out = new Set<string>();
    for (const p of node.parameters) collectBindingNames(ts, p.name, out);
    if (ts.isFunctionExpression(node) && node.name) out.add(node.name.text);
    const body = (node as TS.FunctionLikeDeclaration).body;
    if (body && ts.isBlock(body)) collectVarNames(ts, body, out);
    return out;
  }
  if (ts.isClassLike(node)) return node.name ? new Set([node.name.text]) : undefined;
  if (ts.isBlock(node) || ts.isModuleBlock(node)) {
    const out = new Set<string>();
    lexicalNames(ts, node.statements, out);
    return out;
  }
  if (ts.isCaseBlock(node)) {
    const out = new Set<string>();
    for (const clause of node.clauses) lexicalNames(ts, clause.statements, out);
    return out;
  }
  if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const init = node.initializer;
    if (init && ts.isVariableDeclarationList(init) && init.flags & ts.NodeFlags.BlockScoped) {
      const out = new Set<string>();
      for (const d of init.declarations) collectBindingNames(ts, d.name, out);
      return out;
    }
    return undefined;
  }
  if (ts.isCatchClause(node) && node.variableDeclaration) {
    const out = new Set<string>();
    collectBindingNames(ts, node.variableDeclaration.name, out);
    return out;
  }
  return undefined;
}

/** Whether an identifier reads or writes a binding (rather than naming a property, label or declaration). */
function isReference(ts: TypeScript, id: TS.Identifier, parent: TS.Node): boolean {
  const K = ts.SyntaxKind;
  switch (parent.kind) {
    case K.PropertyAccessExpression:
    case K.PropertyAssignment:
    case K.MethodDeclaration:
    case K.PropertyDeclaration:
    case K.GetAccessor:
    case K.SetAccessor:
    case K.EnumMember:
    case K.VariableDeclaration:
    case K.Parameter:
    case K.FunctionDeclaration:
    case K.FunctionExpression:
    case K.ClassDeclaration:
    case K.ClassExpression:
      return (parent as TS.NamedDeclaration).name !== id;
    case K.BindingElement:
      return (parent as TS.BindingElement).name !== id && (parent as TS.BindingElement).propertyName !== id;
    case K.LabeledStatement:
    case K.BreakStatement:
    case K.ContinueStatement:
    case K.MetaProperty:
    case K.ImportSpecifier:
    case K.ExportSpecifier:
    case K.ImportClause:
    case K.NamespaceImport:
    case K.NamespaceExport:
    case K.ImportEqualsDeclaration:
      return false;
    default:
      return true;
  }
}
