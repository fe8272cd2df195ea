/**
 * A type checker kept from cell to cell, for the cells that import no new module.
 *
 * A new program and checker per cell cost 1–4 ms, nearly all of it redone work: the program checks again
 * that ~50 library files did not change, the checker merges all of es2023 and @types/node into its
 * globals again. A cell that imports nothing reaches no new file and adds no global, so one checker, made
 * once over the last program (the "basis"), checks it as one more file. The cell gets a file name of its
 * own (a checker keeps diagnostics by file name) and the module resolutions of the basis's cell (it
 * imports the same environment segments). When an earlier cell's declarations change a segment, the
 * checker takes the segment's new version in place of the old (`replace`), as long as the new version
 * imports no module the old one did not (the basis resolved only those).
 *
 * This uses TypeScript internals (createTypeChecker, bindSourceFile, getEmitResolver, emitFiles,
 * getTransformers), all present in 5.x and 6.x; package.json pins the minor version. When one is missing,
 * `keptCheckerSupported` is false and every cell takes the program path. test/engine/kept-checker.test.ts
 * checks that both paths give the same diagnostics and the same JavaScript.
 */
import type * as TS from "typescript";
import type { TypeScript } from "./typescript.js";

/** The internal functions used here (not in typescript.d.ts). */
interface Internals {
  createTypeChecker(host: object): InternalChecker;
  bindSourceFile(file: TS.SourceFile, options: TS.CompilerOptions): void;
  getTransformers(
    options: TS.CompilerOptions,
    custom: TS.CustomTransformers | undefined,
    emitOnly: boolean,
  ): unknown;
  emitFiles(
    resolver: unknown,
    host: object,
    file: TS.SourceFile,
    transformers: unknown,
    emitOnly: boolean,
    onlyBuildInfo: boolean,
    forceDtsEmit: boolean,
    skipBuildInfo: boolean,
  ): TS.EmitResult;
}

interface InternalChecker extends TS.TypeChecker {
  getDiagnostics(file: TS.SourceFile): TS.Diagnostic[];
  getEmitResolver(file: TS.SourceFile, cancellationToken: undefined, skipDiagnostics: boolean): unknown;
}

/** Program methods the checker and the emitter call that take a file (the kept cells are not in it). */
interface InternalProgram extends TS.Program {
  getResolvedModule(file: TS.SourceFile, name: string, mode: TS.ResolutionMode): unknown;
  getSourceFileByPath(path: string): TS.SourceFile | undefined;
}

/** What the parser and binder leave on a file. */
export interface InternalFile extends TS.SourceFile {
  path: string;
  parseDiagnostics: TS.Diagnostic[];
  bindDiagnostics?: TS.Diagnostic[];
  commentDirectives?: unknown[];
  checkJsDirective?: unknown;
}

/** A checker can hold this many kept cells before it is made afresh (each keeps its syntax tree). */
const MAX_CELLS = 256;

export function keptCheckerSupported(ts: TypeScript): boolean {
  const t = ts as unknown as Partial<Internals>;
  return [t.createTypeChecker, t.bindSourceFile, t.getTransformers, t.emitFiles].every(
    (f) => typeof f === "function",
  );
}

export interface KeptChecker {
  /** Whether this checker can take more cells (false: make a new one over a new basis). */
  readonly open: boolean;
  /** Binds `file` (a cell seen by no checker yet) and makes it the checker's current cell. */
  add(file: TS.SourceFile): void;
  /** Binds `file`, a new version of a file of the basis, and uses it from now on. */
  replace(file: TS.SourceFile): void;
  /** Binder and checker diagnostics of the current cell. */
  diagnostics(file: TS.SourceFile): TS.Diagnostic[];
  /**
   * JavaScript (through `transformers`) or declarations of the current cell; `write` gets each output
   * file. Declarations first, as a program's emit does (see checker.ts).
   */
  emit(
    file: TS.SourceFile,
    transformers: TS.CustomTransformers | undefined,
    write: TS.WriteFileCallback,
    what: "js" | "dts",
  ): void;
}

/** A checker over `basis` (a program whose cell is `basisCell`) that takes new cells as extra files. */
export function keepChecker(ts: TypeScript, basis: TS.Program, basisCell: TS.SourceFile): KeptChecker {
  const internals = ts as unknown as Internals;
  const program = basis as InternalProgram;
  const options = basis.getCompilerOptions();
  const libraryFiles: TS.SourceFile[] = basis.getSourceFiles().filter((f) => f !== basisCell);
  /** Newer versions of the basis's files, by file name (= path: the kernel's names are absolute). */
  const replaced = new Map<string, TS.SourceFile>();
  let current: TS.SourceFile | undefined;
  let files: readonly TS.SourceFile[] = libraryFiles;
  let count = 0;

  const overrides: Record<string, unknown> = {
    getSourceFiles: () => files,
    getSourceFile: (name: string) =>
      name === current?.fileName ? current : (replaced.get(name) ?? basis.getSourceFile(name)),
    getSourceFileByPath: (path: string) =>
      path === (current as InternalFile | undefined)?.path
        ? current
        : (replaced.get(path) ?? program.getSourceFileByPath(path)),
    // A kept cell imports what the basis's cell imports: the environment segments.
    getResolvedModule: (file: TS.SourceFile, name: string, mode: TS.ResolutionMode) =>
      program.getResolvedModule(file === current ? basisCell : file, name, mode),
    isEmitBlocked: () => false,
  };
  const host = new Proxy(basis, {
    get: (target, key) =>
      typeof key === "string" && key in overrides
        ? overrides[key]
        : (target as unknown as Record<string | symbol, unknown>)[key],
  });
  const checker = internals.createTypeChecker(host);

  return {
    get open() {
      return count < MAX_CELLS;
    },
    add(file) {
      count++;
      current = file;
      files = [...libraryFiles, file];
      internals.bindSourceFile(file, options);
    },
    replace(file) {
      count++;
      replaced.set(file.fileName, file);
      const at = libraryFiles.findIndex((f) => f.fileName === file.fileName);
      if (at >= 0) libraryFiles[at] = file;
      internals.bindSourceFile(file, options);
    },
    diagnostics(file) {
      return [...((file as InternalFile).bindDiagnostics ?? []), ...checker.getDiagnostics(file)];
    },
    emit(file, transformers, write, what) {
      // as a program's emit(file, write, undefined, emitOnlyDts, transformers, forceDtsEmit) does
      const dts = what === "dts";
      const resolver = checker.getEmitResolver(file, undefined, dts);
      const emitHost = new Proxy(host, {
        get: (target, key) => (key === "writeFile" ? write : Reflect.get(target, key)),
      });
      const transformersFor = internals.getTransformers(options, dts ? undefined : transformers, dts);
      internals.emitFiles(resolver, emitHost, file, transformersFor, dts, false, dts, true);
    },
  };
}

/** Whether a cell (its code and suffix, parsed) can be checked by a kept checker: it reaches no new file. */
export function reachesNoNewFile(
  ts: TypeScript,
  file: TS.SourceFile,
  isEnvironmentImport: (node: TS.Node) => boolean,
): boolean {
  const f = file as InternalFile;
  const dynamicImport = (ts.NodeFlags as unknown as Record<string, number | undefined>)
    .PossiblyContainsDynamicImport;
  if (
    f.referencedFiles.length ||
    f.typeReferenceDirectives.length ||
    f.libReferenceDirectives.length ||
    f.commentDirectives?.length || // `// @ts-ignore`: a program applies those
    f.checkJsDirective ||
    (dynamicImport === undefined ? /\bimport\s*\(/.test(f.text) : f.flags & dynamicImport)
  )
    return false;
  return file.statements.every(
    (st) =>
      isEnvironmentImport(st) ||
      !(
        ts.isImportDeclaration(st) ||
        ts.isImportEqualsDeclaration(st) ||
        ts.isModuleDeclaration(st) ||
        (ts.isExportDeclaration(st) && st.moduleSpecifier) ||
        ts.isExportAssignment(st)
      ),
  );
}

/** The modules a file imports (`import ... from "x"`), the only kind an environment segment has. */
export function importedModules(ts: TypeScript, file: TS.SourceFile): string[] {
  return file.statements.flatMap((st) =>
    ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) ? [st.moduleSpecifier.text] : [],
  );
}
