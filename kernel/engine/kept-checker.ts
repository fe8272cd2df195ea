/**
 * A type checker kept from cell to cell, for the cells that import no new module.
 *
 * A new program and checker per cell cost 1–4 ms, nearly all of it redone work: the program checks again
 * that ~50 library files did not change, the checker merges all of es2023 and @types/node into its
 * globals again. A cell that imports nothing reaches no new file and adds no global, so one checker, made
 * once over the last program (the "basis": a program whose own cell imported nothing either, so that it
 * holds exactly the files a fresh program would), checks it as one more file. The cell gets a file name of its
 * own (a checker keeps diagnostics by file name) and the module resolutions of the basis's cell (it
 * imports the same environment segments). When an earlier cell's declarations change a segment or
 * start a new one, the checker takes the new file (`use`), as long as every module it imports resolves:
 * the files next to the notebook all resolve a name alike, so the basis's resolutions for its cell and
 * segments serve them all, and a segment the basis never saw is resolved by `localModule`.
 *
 * This uses TypeScript internals (createTypeChecker, bindSourceFile, getEmitResolver, emitFiles,
 * getTransformers), all present in 5.x and 6.x; package.json pins the minor version. When one is missing,
 * `keptCheckerSupported` is false and every cell takes the program path; a cell the kept checker fails
 * on is done again in a program (checker.ts, `stats().fallbacks`). test/engine/kept-checker.test.ts checks
 * that both paths give the same diagnostics, JavaScript and declarations, on every lecture cell too.
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
  /**
   * Binds `file`, a new version of a file of the basis or a new file next to the cell (an environment
   * segment), and uses it from now on.
   */
  use(file: TS.SourceFile): void;
  /** Whether every module `file` (next to the cell) imports resolves: then it can be used. */
  resolvesImportsOf(file: TS.SourceFile): boolean;
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

export interface KeptBasis {
  program: TS.Program;
  /** The program's cell. */
  cell: TS.SourceFile;
  /** The program's files next to the cell whose imports it resolved (the environment segments). */
  siblings: TS.SourceFile[];
  /** The file a module name imported next to the cell names, when it is one the basis cannot know. */
  localModule(name: string): string | undefined;
  /** Resolves a module name imported from a file next to the cell, as the basis's host does. */
  resolve(name: string, mode: TS.ResolutionMode): TS.ResolvedModuleWithFailedLookupLocations;
}

/** A checker over a basis program that takes new cells (and new segment versions) as extra files. */
export function keepChecker(ts: TypeScript, basis: KeptBasis): KeptChecker {
  const internals = ts as unknown as Internals;
  const program = basis.program as InternalProgram;
  const options = program.getCompilerOptions();
  const libraryFiles: TS.SourceFile[] = program.getSourceFiles().filter((f) => f !== basis.cell);
  /** Files taken since the basis (newer versions and new files), by name (= path: names are absolute). */
  const own = new Map<string, TS.SourceFile>();
  let current: TS.SourceFile | undefined;
  let files: readonly TS.SourceFile[] = libraryFiles;
  let count = 0;

  /** The basis files next to the cell: their resolutions serve every file there. */
  const resolvedByBasis = [basis.cell, ...basis.siblings];

  /**
   * An import from a file next to the cell: as the basis resolved it from its cell or segments, else as
   * its host resolves it, if that names a file the checker has (a declaration may name a package's
   * inner module the segments never imported by that name).
   */
  const resolveNextToCell = (name: string, mode: TS.ResolutionMode) => {
    for (const file of resolvedByBasis) {
      const r = program.getResolvedModule(file, name, mode);
      if (r) return r;
    }
    const resolved = basis.resolve(name, mode);
    const target = resolved.resolvedModule?.resolvedFileName;
    if (target && (program.getSourceFile(target) ?? own.get(target))) return resolved;
    const local = basis.localModule(name);
    return local && own.has(local)
      ? {
          resolvedModule: {
            resolvedFileName: local,
            extension: ts.Extension.Dts,
            isExternalLibraryImport: false,
          },
        }
      : undefined;
  };
  const isOurs = (file: TS.SourceFile) => file === current || own.get(file.fileName) === file;

  const overrides: Record<string, unknown> = {
    getSourceFiles: () => files,
    getSourceFile: (name: string) =>
      name === current?.fileName ? current : (own.get(name) ?? program.getSourceFile(name)),
    getSourceFileByPath: (path: string) =>
      path === (current as InternalFile | undefined)?.path
        ? current
        : (own.get(path) ?? program.getSourceFileByPath(path)),
    getResolvedModule: (file: TS.SourceFile, name: string, mode: TS.ResolutionMode) =>
      isOurs(file) ? resolveNextToCell(name, mode) : program.getResolvedModule(file, name, mode),
    isEmitBlocked: () => false,
  };
  const host = new Proxy(program, {
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
    use(file) {
      count++;
      own.set(file.fileName, file);
      const at = libraryFiles.findIndex((f) => f.fileName === file.fileName);
      if (at >= 0) libraryFiles[at] = file;
      else libraryFiles.push(file);
      internals.bindSourceFile(file, options);
    },
    resolvesImportsOf: (file) =>
      file.statements.every(
        (st) =>
          !ts.isImportDeclaration(st) ||
          !ts.isStringLiteral(st.moduleSpecifier) ||
          basis.localModule(st.moduleSpecifier.text) !== undefined ||
          resolveNextToCell(
            st.moduleSpecifier.text,
            ts.getModeForUsageLocation(file, st.moduleSpecifier, options),
          ) !== undefined,
      ),
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
  if (
    f.referencedFiles.length ||
    f.typeReferenceDirectives.length ||
    f.libReferenceDirectives.length ||
    f.commentDirectives?.length || // `// @ts-ignore`: a program applies those
    f.checkJsDirective ||
    mayImportDynamically(ts, f)
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

/**
 * Fills in what a program records on each file it reads, for a file a kept checker takes without one:
 * its name as path (the kernel's file names are absolute POSIX paths, as TypeScript's paths are), and its
 * imports (the declaration emitter reads them). False when the file declares an ambient module or
 * augments one (`declare module "x"`, `declare global`), which only a program merges, or may hold an
 * `import("x")` (later programs would take the imports recorded here as the whole list).
 */
export function asProgramFile(ts: TypeScript, file: TS.SourceFile): boolean {
  if (mayImportDynamically(ts, file)) return false;
  const ambientOrGlobal = (st: TS.Statement) =>
    ts.isModuleDeclaration(st) &&
    (!ts.isIdentifier(st.name) || (st.flags & ts.NodeFlags.GlobalAugmentation) !== 0);
  if (file.statements.some(ambientOrGlobal)) return false;
  const imports = file.statements.flatMap((st) =>
    (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
    st.moduleSpecifier &&
    ts.isStringLiteral(st.moduleSpecifier)
      ? [st.moduleSpecifier]
      : [],
  );
  const name = file.fileName;
  Object.assign(file, {
    path: name,
    resolvedPath: name,
    originalFileName: name,
    imports,
    moduleAugmentations: [],
    ambientModuleNames: [],
  });
  return true;
}

/** `import("x")` in code or in a type, as the parser flags it (a text search if the flag is gone). */
function mayImportDynamically(ts: TypeScript, file: TS.SourceFile): boolean {
  const flag = (ts.NodeFlags as unknown as Record<string, number | undefined>).PossiblyContainsDynamicImport;
  return flag === undefined ? /\bimport\s*\(/.test(file.text) : (file.flags & flag) !== 0;
}
