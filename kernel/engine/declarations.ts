/**
 * What a cell declares at top level, read from its syntax tree: the names later cells may use, and
 * whether each is a variable (later cells may assign it) or something else (function, class, type,
 * enum, namespace, import).
 */
import type * as TS from "typescript";
import type { TypeScript } from "./typescript.js";
import { collectBindingNames } from "./rewrite.js";

export type VariableKind = "let" | "const" | "var";

export interface DeclaredName {
  /** Set when the name is a variable. */
  variable?: VariableKind;
  /** Set when the name also (or only) has another meaning: function, class, type, enum, namespace, import. */
  other: boolean;
}

export interface CellDeclarations {
  names: Map<string, DeclaredName>;
  /** Names the user already exports (`export const x`), which the checker must not export again. */
  exported: Set<string>;
}

export function cellDeclarations(ts: TypeScript, file: TS.SourceFile): CellDeclarations {
  const names = new Map<string, DeclaredName>();
  const exported = new Set<string>();
  const entry = (name: string) => {
    let e = names.get(name);
    if (!e) names.set(name, (e = { other: false }));
    return e;
  };
  const isExported = (st: TS.Statement) =>
    ts.canHaveModifiers(st) &&
    (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

  for (const st of file.statements) {
    const found = new Set<string>();
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const kind: VariableKind =
        flags & ts.NodeFlags.Let
          ? "let"
          : flags & (ts.NodeFlags.Const | ts.NodeFlags.Using)
            ? "const"
            : "var";
      for (const d of st.declarationList.declarations) collectBindingNames(ts, d.name, found);
      for (const n of found) entry(n).variable = kind;
    } else if (
      ts.isFunctionDeclaration(st) ||
      ts.isClassDeclaration(st) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ts.isEnumDeclaration(st) ||
      ts.isImportEqualsDeclaration(st)
    ) {
      if (st.name) found.add(st.name.text);
    } else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) {
      found.add(st.name.text);
    } else if (ts.isImportDeclaration(st) && st.importClause) {
      const clause = st.importClause;
      if (clause.name) found.add(clause.name.text);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) found.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) found.add(el.name.text);
    } else if (
      ts.isExportDeclaration(st) &&
      !st.moduleSpecifier &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      for (const el of st.exportClause.elements) exported.add((el.propertyName ?? el.name).text);
    }
    for (const n of found) {
      if (!ts.isVariableStatement(st)) entry(n).other = true;
      if (isExported(st)) exported.add(n);
    }
  }
  return { names, exported };
}

/** `//% nocheck` as the first line turns type checking off for one cell. */
export function hasNoCheckDirective(code: string): boolean {
  return /^\s*\/\/%\s*nocheck\b/.test(code);
}
