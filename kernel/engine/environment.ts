/**
 * The declarations of earlier cells, as a few virtual modules ("segments") that every checked cell imports.
 *
 * After a cell runs, TypeScript's declaration emit of that cell (a small .d.ts module) is rewritten into a
 * namespace ("chunk") of the newest segment:
 *
 *     import * as __gradlab_m0 from "gradlab";            // each module its chunks refer to, once
 *     export declare namespace __gradlab_c1 { export const xs: number[];
 *                                             export type __gradlab_type_xs = typeof xs; }
 *     export declare namespace __gradlab_c2 { export import tensor = __gradlab_m0.tensor;
 *                                             export const t: __gradlab_m0.Tensor; }
 *
 * and a new cell reaches the newest version of each name through an alias appended after its code:
 *
 *     import * as __gradlab_env0 from "./__gradlab_<id>_env0__";
 *     import tensor = __gradlab_env0.__gradlab_c2.tensor;              // functions, classes, types, imports
 *     declare let xs: __gradlab_env0.__gradlab_c1.__gradlab_type_xs;  // variables: assignable
 *
 * Why so: TypeScript reuses a program whole when no file's imports changed (only changed files are parsed
 * and bound again). A new file per cell would make it resolve and walk all 160 lib and @types/node files
 * for every cell; one ever-growing file would be re-parsed at a cost growing with the session. So chunks
 * fill a segment up to a bounded size, then a new segment starts (one full program build per segment).
 * Chunks are only ever appended, so an old value keeps its old type.
 */
import * as path from "node:path";
import type * as TS from "typescript";
import type { TypeScript } from "./typescript.js";
import type { CellDeclarations, DeclaredName } from "./declarations.js";

/** How the cell names segment k (odd on purpose: user code never collides). */
const segmentAlias = (k: number) => `__gradlab_env${k}`;
const chunkName = (n: number) => `__gradlab_c${n}`;
/**
 * A variable's type as a named alias in its chunk. The cell declares `declare let x: <chunk>.<alias>`:
 * the direct `typeof <env>.<chunk>.x` trips TypeScript's circularity check ("'x' is referenced directly
 * or indirectly in its own type annotation") when the cell calls a method on `x` before that line.
 */
const variableType = (name: string) => `__gradlab_type_${name}`;
/** A segment takes new chunks until its text is this long. */
export const SEGMENT_CHARS = 4_000;

interface Entry extends DeclaredName {
  chunk: number;
  segment: number;
}

interface Segment {
  file: string;
  specifier: string;
  chunks: string[];
  /** module specifier → alias, for `import * as` and default imports in the segment's header */
  namespaces: Map<string, string>;
  defaults: Map<string, string>;
  version: number;
  text?: string;
}

export interface Environment {
  /** A segment's text and version, if `file` is one. */
  file(file: string): { text: string; version: string } | undefined;
  /** Adds a cell's declaration emit as the newest chunk; later cells see `names` from it. */
  add(dts: string, names: Iterable<[string, DeclaredName]>): void;
  /**
   * What follows a cell's code: its own names exported (so its declaration emit has all of them), the
   * segments, and the earlier names the cell mentions (`words`) or that `alsoSee` asks for.
   */
  suffix(decls: CellDeclarations, words: Set<string>, alsoSee?: (name: string) => boolean): string;
  names(): string[];
  /** Changes whenever a chunk is added (a program made before has other segment files). */
  version(): number;
  /** The segment files, oldest first. */
  files(): string[];
  /** The segment file a module name (as cells and segments import it) names, if it names one. */
  fileOf(specifier: string): string | undefined;
}

/** Segment files live in `dir` (the notebook's folder: relative imports in chunks resolve as in cells). */
export function createEnvironment(ts: TypeScript, dir: string, id: string): Environment {
  const entries = new Map<string, Entry>();
  const segments: Segment[] = [];
  const byFile = new Map<string, Segment>();
  let chunkCount = 0;

  const openSegment = (): Segment => {
    const base = `__gradlab_${id}_env${segments.length}__`;
    const segment: Segment = {
      file: path.join(dir, `${base}.d.ts`),
      specifier: `./${base}`,
      chunks: [],
      namespaces: new Map(),
      defaults: new Map(),
      version: 0,
    };
    segments.push(segment);
    byFile.set(segment.file, segment);
    return segment;
  };
  openSegment();

  const textOf = (segment: Segment): string => {
    if (segment.text === undefined) {
      const header: string[] = [];
      for (const [spec, alias] of segment.namespaces)
        header.push(`import * as ${alias} from ${JSON.stringify(spec)};`);
      for (const [spec, alias] of segment.defaults)
        header.push(`import ${alias} from ${JSON.stringify(spec)};`);
      segment.text = `${header.join("\n")}\n${segment.chunks.join("\n")}\nexport {};\n`;
    }
    return segment.text;
  };

  return {
    file(file) {
      const segment = byFile.get(file);
      return segment && { text: textOf(segment), version: String(segment.version) };
    },
    add(dts, names) {
      let segment = segments[segments.length - 1]!;
      if (textOf(segment).length > SEGMENT_CHARS) segment = openSegment();
      const n = ++chunkCount;
      const aliasFor = (spec: string, kind: "namespace" | "default") => {
        const map = kind === "namespace" ? segment.namespaces : segment.defaults;
        let alias = map.get(spec);
        if (!alias) map.set(spec, (alias = `__gradlab_m${segment.namespaces.size + segment.defaults.size}`));
        return alias;
      };
      let body: string;
      try {
        body = toNamespace(ts, dts, chunkName(n), segment.specifier, aliasFor);
      } catch {
        body = `export declare namespace ${chunkName(n)} {}`;
      }
      segment.chunks.push(body);
      segment.version++;
      segment.text = undefined;
      const k = segments.indexOf(segment);
      for (const [name, declared] of names) entries.set(name, { ...declared, chunk: n, segment: k });
    },
    suffix(decls, words, alsoSee) {
      const exports = [...decls.names.keys()].filter((n) => !decls.exported.has(n));
      // `;` first: incomplete code such as `Math.` must not swallow the suffix (`Math.export`).
      const lines = [`\n;export { ${exports.join(", ")} };`];
      // every segment, always: the cell's imports stay the same from cell to cell
      segments.forEach((s, k) => lines.push(`import * as ${segmentAlias(k)} from "${s.specifier}";`));
      for (const [name, e] of entries) {
        if (decls.names.has(name) || !(words.has(name) || alsoSee?.(name))) continue;
        const chunk = `${segmentAlias(e.segment)}.${chunkName(e.chunk)}`;
        lines.push(
          e.variable && !e.other
            ? `declare ${e.variable} ${name}: ${chunk}.${variableType(name)};`
            : `import ${name} = ${chunk}.${name};`,
        );
      }
      return lines.join("\n") + "\n";
    },
    names: () => [...entries.keys()],
    version: () => chunkCount,
    files: () => segments.map((s) => s.file),
    fileOf: (specifier) => segments.find((s) => s.specifier === specifier)?.file,
  };
}

/** Statements of the suffix that link a cell to the environment: types only, never run. */
export function isEnvironmentLink(ts: TypeScript, st: TS.Node): boolean {
  if (ts.isImportDeclaration(st)) {
    return (
      ts.isStringLiteral(st.moduleSpecifier) &&
      /^\.\/__gradlab_[0-9a-f]+_env\d+__$/.test(st.moduleSpecifier.text)
    );
  }
  if (ts.isImportEqualsDeclaration(st)) {
    let left: TS.Node = st.moduleReference;
    while (ts.isQualifiedName(left)) left = left.left;
    return ts.isIdentifier(left) && /^__gradlab_env\d+$/.test(left.text);
  }
  return false;
}

/** An entity name as its parts: `["__gradlab_m0", "Tensor"]`. */
type Entity = string[];

/**
 * A cell's declaration emit (a module) as `export declare namespace <name> { ... }` of the environment:
 * imports become references through the environment's module aliases, every declaration is exported.
 */
function toNamespace(
  ts: TypeScript,
  dts: string,
  name: string,
  envSpecifier: string,
  aliasFor: (spec: string, kind: "namespace" | "default") => string,
): string {
  const f = ts.factory;
  const K = ts.SyntaxKind;
  const file = ts.createSourceFile("chunk.d.ts", dts, ts.ScriptTarget.ES2022, true);
  // The environment module refers to itself without a prefix: `__gradlab_env.__gradlab_c1.x` → `__gradlab_c1.x`.
  const moduleBase = (spec: string): Entity => (spec === envSpecifier ? [] : [aliasFor(spec, "namespace")]);
  const substitutions = new Map<string, Entity>();

  const entityOf = (n: TS.EntityName | TS.Expression): Entity | undefined => {
    if (ts.isIdentifier(n)) return substitutions.get(n.text) ?? [n.text];
    if (ts.isQualifiedName(n)) return [...(entityOf(n.left) ?? []), n.right.text];
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.name))
      return [...(entityOf(n.expression) ?? []), n.name.text];
    return undefined;
  };
  const entityName = (parts: Entity): TS.EntityName =>
    parts
      .slice(1)
      .reduce<TS.EntityName>((left, p) => f.createQualifiedName(left, p), f.createIdentifier(parts[0]!));
  const entityExpression = (parts: Entity): TS.Expression =>
    parts
      .slice(1)
      .reduce<TS.Expression>(
        (left, p) => f.createPropertyAccessExpression(left, p),
        f.createIdentifier(parts[0]!),
      );

  const statements: TS.Statement[] = [];
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && st.importClause && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (clause.name) substitutions.set(clause.name.text, [aliasFor(spec, "default")]);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) substitutions.set(nb.name.text, moduleBase(spec));
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          substitutions.set(el.name.text, [...moduleBase(spec), (el.propertyName ?? el.name).text]);
        }
      }
    } else if (ts.isImportEqualsDeclaration(st) && !ts.isExternalModuleReference(st.moduleReference)) {
      const target = entityOf(st.moduleReference);
      if (target?.length) substitutions.set(st.name.text, target);
    } else {
      statements.push(st);
    }
  }

  /** Rewrites references to imports inside declarations; `parent` tells a reference from a name. */
  const visit = (node: TS.Node, parent: TS.Node): TS.Node => {
    if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (!ts.isLiteralTypeNode(arg) || !ts.isStringLiteral(arg.literal)) return node;
      const base = moduleBase(arg.literal.text);
      const parts = [...base, ...(node.qualifier ? (entityOf(node.qualifier) ?? []) : [])];
      if (parts.length === 0) return node;
      const args = node.typeArguments?.map((t) => visit(t, node) as TS.TypeNode);
      return node.isTypeOf
        ? f.createTypeQueryNode(entityName(parts), args)
        : f.createTypeReferenceNode(entityName(parts), args);
    }
    if (ts.isIdentifier(node) && isReference(node, parent)) {
      const parts = substitutions.get(node.text);
      if (!parts || parts.length === 0) return node;
      return isTypeContext(parent) ? entityName(parts) : entityExpression(parts);
    }
    // `__gradlab_env.X` (the environment itself) → `X`
    if (
      ts.isQualifiedName(node) &&
      ts.isIdentifier(node.left) &&
      substitutions.get(node.left.text)?.length === 0
    ) {
      return f.createIdentifier(node.right.text);
    }
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      if (substitutions.get(node.expression.text)?.length === 0) return f.createIdentifier(node.name.text);
    }
    return ts.visitEachChild(node, (child) => visit(child, node), undefined);
  };

  const isReference = (id: TS.Identifier, parent: TS.Node): boolean => {
    switch (parent.kind) {
      case K.TypeReference:
        return (parent as TS.TypeReferenceNode).typeName === id;
      case K.QualifiedName:
        return (parent as TS.QualifiedName).left === id;
      case K.TypeQuery:
        return (parent as TS.TypeQueryNode).exprName === id;
      case K.ExpressionWithTypeArguments:
        return (parent as TS.ExpressionWithTypeArguments).expression === id;
      case K.PropertyAccessExpression:
        return (parent as TS.PropertyAccessExpression).expression === id;
      case K.ComputedPropertyName:
        return true;
      default:
        return false;
    }
  };
  const isTypeContext = (parent: TS.Node) =>
    parent.kind === K.TypeReference || parent.kind === K.QualifiedName || parent.kind === K.TypeQuery;

  const exported = (modifiers: readonly TS.ModifierLike[] | undefined) => [
    f.createModifier(K.ExportKeyword),
    ...(modifiers ?? []).filter(
      (m) => m.kind !== K.ExportKeyword && m.kind !== K.DeclareKeyword && m.kind !== K.DefaultKeyword,
    ),
  ];

  const members: TS.Statement[] = [];
  for (const st of statements) {
    if (ts.isExportDeclaration(st)) {
      // `export { a }` of a declaration: every declaration is exported anyway. Of an import (`export
      // { tensor }` after `import { tensor } from "gradlab"`): an exported alias.
      if (st.moduleSpecifier || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      for (const el of st.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        const target = substitutions.get(local);
        if (target && target.length) {
          members.push(
            f.createImportEqualsDeclaration(
              [f.createModifier(K.ExportKeyword)],
              false,
              el.name.text,
              entityName(target),
            ),
          );
        } else if (el.name.text !== local) {
          members.push(
            f.createImportEqualsDeclaration(
              [f.createModifier(K.ExportKeyword)],
              false,
              el.name.text,
              f.createIdentifier(local),
            ),
          );
        }
      }
      continue;
    }
    const declaration =
      ts.isVariableStatement(st) ||
      ts.isFunctionDeclaration(st) ||
      ts.isClassDeclaration(st) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ts.isEnumDeclaration(st) ||
      // a namespace, not `declare global {}` (a cell's global augmentation is not carried over)
      (ts.isModuleDeclaration(st) &&
        ts.isIdentifier(st.name) &&
        !(st.flags & ts.NodeFlags.GlobalAugmentation));
    if (!declaration || ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && !st.name)) continue;
    const visited = visit(st, file) as TS.Statement;
    members.push(
      withModifiers(
        ts,
        visited,
        exported(ts.canHaveModifiers(visited) ? ts.getModifiers(visited) : undefined),
      ),
    );
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const type = f.createTypeQueryNode(f.createIdentifier(d.name.text));
        members.push(
          f.createTypeAliasDeclaration(
            [f.createModifier(K.ExportKeyword)],
            variableType(d.name.text),
            undefined,
            type,
          ),
        );
      }
    }
  }

  const printer = ts.createPrinter({ removeComments: false });
  const body = members.map((m) => printer.printNode(ts.EmitHint.Unspecified, m, file)).join("\n");
  return `export declare namespace ${name} {\n${body}\n}`;
}

/** The same declaration with other modifiers (the factory has one update function per kind). */
function withModifiers(ts: TypeScript, st: TS.Statement, modifiers: TS.ModifierLike[]): TS.Statement {
  const f = ts.factory;
  if (ts.isVariableStatement(st)) return f.updateVariableStatement(st, modifiers, st.declarationList);
  if (ts.isFunctionDeclaration(st))
    return f.updateFunctionDeclaration(
      st,
      modifiers,
      st.asteriskToken,
      st.name,
      st.typeParameters,
      st.parameters,
      st.type,
      st.body,
    );
  if (ts.isClassDeclaration(st))
    return f.updateClassDeclaration(
      st,
      modifiers,
      st.name,
      st.typeParameters,
      st.heritageClauses,
      st.members,
    );
  if (ts.isInterfaceDeclaration(st))
    return f.updateInterfaceDeclaration(
      st,
      modifiers,
      st.name,
      st.typeParameters,
      st.heritageClauses,
      st.members,
    );
  if (ts.isTypeAliasDeclaration(st))
    return f.updateTypeAliasDeclaration(st, modifiers, st.name, st.typeParameters, st.type);
  if (ts.isEnumDeclaration(st)) return f.updateEnumDeclaration(st, modifiers, st.name, st.members);
  if (ts.isModuleDeclaration(st)) return f.updateModuleDeclaration(st, modifiers, st.name, st.body);
  return st;
}
