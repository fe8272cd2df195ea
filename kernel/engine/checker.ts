/**
 * Type checking across cells: one program per checked cell, one language service for completion and
 * inspect, both built from the same parsed files.
 *
 * A program holds: the lib and @types/node files (parsed once per process and shared), the cell
 * globals (ambient/cell-globals.d.ts), the environment module with every earlier cell's declarations
 * (environment.ts), the cell being checked, and what the cell imports. The cell is the user's code plus a
 * suffix (so positions in the user's code are unchanged) that exports the cell's own names and aliases
 * the earlier names the cell mentions. A cell that redeclares a name simply declares it: the cell is a
 * module, its names shadow the environment's and conflict with nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import type * as TS from "typescript";
import type { TypeScript } from "./typescript.js";
import type { CellDeclarations, DeclaredName } from "./declarations.js";
import { createEnvironment, isEnvironmentLink } from "./environment.js";
import { buildPrelude, type Prelude } from "./prelude.js";
import {
  asProgramFile,
  keepChecker,
  keptCheckerSupported,
  reachesNoNewFile,
  type InternalFile,
  type KeptChecker,
} from "./kept-checker.js";

export interface CheckerOptions {
  cwd: string;
  packageRoot: string;
}

export interface EmittedCell {
  js: string;
  sourceMap: string;
  dts: string;
}

/** One cell, parsed with its suffix, ready to be checked and emitted (by whichever checker took it). */
export interface CellCheck {
  /** Which checker took the cell. */
  readonly via: "kept" | "program";
  /** Syntax errors of the cell. */
  syntaxDiagnostics(): TS.Diagnostic[];
  /** Type errors that stop the cell (inside the user's code). */
  diagnostics(): TS.Diagnostic[];
  /** JavaScript (through `transformers`) and/or declarations of the cell. */
  emit(transformers: TS.CustomTransformers | undefined, what: "js" | "dts" | "both"): EmittedCell;
}

export interface Checker {
  readonly ts: TypeScript;
  /** File name of the cell in the program (positions below are offsets into the user's code). */
  readonly cellFile: string;
  /**
   * A program with `code` (plus the suffix) as the cell. The cell sees the earlier names it mentions, and
   * those `alsoSee` accepts (completion of a partial word offers earlier names it does not mention yet).
   */
  setCell(code: string, decls: CellDeclarations, alsoSee?: (name: string) => boolean): TS.Program;
  /** The language service (completion, quick info) with `code` as the cell. */
  serviceFor(code: string, decls: CellDeclarations, alsoSee?: (name: string) => boolean): TS.LanguageService;
  /**
   * The cell to run: checked by the kept checker when it imports no new module (kept-checker.ts), else
   * in a new program (setCell).
   */
  cell(code: string, decls: CellDeclarations): CellCheck;
  /** Makes the kept checker now, if it can be made, so that the next cell does not wait for it. */
  keep(): void;
  /** How many cells each checker took, and how often the kept one failed and a program took over. */
  stats(): { kept: number; program: number; fallbacks: number };
  /** Type errors that stop the cell (inside the user's code). */
  diagnostics(program: TS.Program, userEnd: number): TS.Diagnostic[];
  /** Syntax errors of the cell. */
  syntaxDiagnostics(program: TS.Program, userEnd: number): TS.Diagnostic[];
  /** JavaScript (through `transformers`) and/or declarations of the cell last set. */
  emit(
    program: TS.Program,
    transformers: TS.CustomTransformers | undefined,
    what: "js" | "dts" | "both",
  ): EmittedCell;
  /** Make a cell's declarations visible to later cells. */
  addChunk(dts: string, names: Iterable<[string, DeclaredName]>): void;
  /** Names earlier cells declared (for completion and for redeclaration bookkeeping). */
  envNames(): string[];
}

/** Diagnostics that do not stop a cell. */
const NON_BLOCKING = new Set([
  7016, // Could not find a declaration file for module 'x' (an untyped JavaScript package is `any`)
]);

/**
 * Parsed lib and node_modules files, shared by every program and language service in the process: they
 * never change while the kernel runs, and parsing them (3 MB of .d.ts) is most of the first cell's wait.
 */
const immutableFiles = new Map<string, TS.SourceFile>();

/** The lib files and @types/node as one file (prelude.ts): the same for every checker in the process. */
let sharedPrelude: Prelude | undefined;

export function createChecker(ts: TypeScript, options: CheckerOptions): Checker {
  const { cwd, packageRoot } = options;
  const id = randomBytes(3).toString("hex");
  const cellFile = path.join(cwd, `__gradlab_${id}_cell__.ts`);
  const ambientFile = path.join(packageRoot, "kernel", "engine", "ambient", "cell-globals.d.ts");
  const env = createEnvironment(ts, cwd, id);
  const localFiles = new Map<string, TS.SourceFile>(); // cell, environment, files next to the notebook
  let cellText = "";
  let cellVersion = 0;
  let lastProgram: TS.Program | undefined;
  /** The environment's version when lastProgram was made (see the kept checker below). */
  let lastProgramEnv = -1;
  /** How TypeScript asked for the cell file (kept cells are parsed the same way). */
  let cellFileOptions: TS.ScriptTarget | TS.CreateSourceFileOptions = ts.ScriptTarget.ES2022;

  const libDir = path.dirname(ts.getDefaultLibFilePath({}));
  const nodeTypes = findNodeTypes(packageRoot);
  const typeRoots = nodeTypes ? [path.dirname(nodeTypes)] : [];
  const prelude = (sharedPrelude ??= buildPrelude(ts, {
    libs: ["lib.es2023.d.ts"],
    types: ["node"],
    typesFrom: path.join(packageRoot, "package.json"),
  }));
  const compilerOptions: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // es2023 and @types/node come in the prelude, a root file
    noLib: true,
    types: [],
    typeRoots,
    strict: true,
    skipLibCheck: true,
    skipDefaultLibCheck: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
    // Declarations are emitted on demand (forceDtsEmit) only for cells that declare something.
    declaration: false,
    sourceMap: true,
    useDefineForClassFields: true,
    // a `const enum` of one cell must exist at run time for an unchecked later cell (transpiled alone)
    preserveConstEnums: true,
    noEmitOnError: false,
  };

  const gradlabTypes = [
    path.join(packageRoot, "dist", "lib", "index.d.ts"),
    path.join(packageRoot, "lib", "index.ts"),
  ].find((f) => fs.existsSync(f));
  const rootNames = [
    prelude.fileName,
    ...prelude.modules,
    ...(fs.existsSync(ambientFile) ? [ambientFile] : []),
    cellFile,
  ];

  // Files under node_modules, TypeScript's lib folder and this package's own library and globals do not
  // change while the kernel runs (files next to the notebook do: they are re-read when their mtime moves).
  const fixedDirs = [
    libDir,
    ...["dist", "lib", path.join("kernel", "engine", "ambient")].map(
      (d) => path.join(packageRoot, d) + path.sep,
    ),
  ];
  const immutable = new Map<string, boolean>(); // asked for every file of every program: remembered
  const isImmutable = (f: string): boolean => {
    let fixed = immutable.get(f);
    if (fixed === undefined) {
      fixed = f.includes(`${path.sep}node_modules${path.sep}`) || fixedDirs.some((d) => f.startsWith(d));
      immutable.set(f, fixed);
    }
    return fixed;
  };
  const existsCache = new Map<string, boolean>();
  const fileExists = (f: string): boolean => {
    if (f === cellFile || f === prelude.fileName || env.file(f)) return true;
    if (!isImmutable(f)) return ts.sys.fileExists(f);
    let e = existsCache.get(f);
    if (e === undefined) existsCache.set(f, (e = ts.sys.fileExists(f)));
    return e;
  };
  const versionOf = (f: string): string => {
    if (f === cellFile) return String(cellVersion);
    const segment = env.file(f);
    if (segment) return segment.version;
    if (isImmutable(f)) return "0";
    try {
      return String(fs.statSync(f).mtimeMs);
    } catch {
      return "missing";
    }
  };
  const textOf = (f: string): string | undefined => {
    if (f === cellFile) return cellText;
    if (f === prelude.fileName) return prelude.text;
    if (prelude.joined.has(f)) return ""; // its declarations are in the prelude already
    return env.file(f)?.text ?? ts.sys.readFile(f);
  };

  /** One parse per file version, whether the checker's program or the language service asks. */
  const sourceFile = (
    f: string,
    languageVersionOrOptions: TS.ScriptTarget | TS.CreateSourceFileOptions,
  ): TS.SourceFile | undefined => {
    if (f === cellFile) cellFileOptions = languageVersionOrOptions;
    const cache = isImmutable(f) ? immutableFiles : localFiles;
    const version = versionOf(f);
    const hit = cache.get(f);
    if (hit && (hit as { version?: string }).version === version) return hit;
    const text = textOf(f);
    if (text === undefined) return undefined;
    const snapshot = ts.ScriptSnapshot.fromString(text);
    const file = ts.createLanguageServiceSourceFile(f, snapshot, languageVersionOrOptions, version, true);
    cache.set(f, file);
    return file;
  };

  const resolved = new Map<string, TS.ResolvedModuleWithFailedLookupLocations>();
  const moduleHost = {
    fileExists,
    readFile: textOf,
    directoryExists: (d: string) => ts.sys.directoryExists(d),
    getDirectories: (d: string) => ts.sys.getDirectories(d),
    realpath: (f: string) => ts.sys.realpath?.(f) ?? f,
    getCurrentDirectory: () => cwd,
  };
  const resolveOne = (name: string, containingFile: string, mode: TS.ResolutionMode) => {
    if (name === "gradlab" && gradlabTypes) {
      return {
        resolvedModule: {
          resolvedFileName: gradlabTypes,
          extension: gradlabTypes.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts,
          isExternalLibraryImport: true,
        },
      } as TS.ResolvedModuleWithFailedLookupLocations;
    }
    // From the notebook's code, successes only are cached: a module the user installs or a file they
    // create later must be found. Lookups from library files never change (many fail on purpose: they
    // name ambient modules such as "node:events", and a failed lookup walks every node_modules up).
    const key = `${path.dirname(containingFile)}\0${name}\0${mode ?? ""}`;
    const hit = resolved.get(key);
    if (hit) return hit;
    const r = ts.resolveModuleName(
      name,
      containingFile,
      compilerOptions,
      moduleHost,
      undefined,
      undefined,
      mode,
    );
    if (r.resolvedModule || isImmutable(containingFile)) resolved.set(key, r);
    return r;
  };
  const resolveModuleNameLiterals = (
    literals: readonly TS.StringLiteralLike[],
    containingFile: string,
    _redirect: TS.ResolvedProjectReference | undefined,
    _options: TS.CompilerOptions,
    containingSourceFile: TS.SourceFile,
  ) =>
    literals.map((lit) =>
      resolveOne(
        lit.text,
        containingFile,
        ts.getModeForUsageLocation(containingSourceFile, lit, compilerOptions),
      ),
    );

  // Its package.json cache spares TypeScript re-reading package.json for every node_modules file of every
  // new program (it asks which module format each file has).
  const moduleCache = ts.createModuleResolutionCache(cwd, (f) => f, compilerOptions);

  // `types: ["node"]` and `/// <reference types>`: resolved once, not again for every new program (a new
  // chunk file changes the program's file set, and then TypeScript resolves everything afresh).
  const typeCache = ts.createTypeReferenceDirectiveResolutionCache(
    cwd,
    (f) => f,
    compilerOptions,
    moduleCache.getPackageJsonInfoCache(),
  );
  const typeResolutions = new Map<string, TS.ResolvedTypeReferenceDirectiveWithFailedLookupLocations>();
  const resolveTypeReferenceDirectiveReferences = <T extends TS.FileReference | string>(
    references: readonly T[],
    containingFile: string,
    redirect: TS.ResolvedProjectReference | undefined,
    _options: TS.CompilerOptions,
    containingSourceFile: TS.SourceFile | undefined,
  ) =>
    references.map((ref) => {
      const name = typeof ref === "string" ? ref : ref.fileName.toLowerCase();
      const mode =
        typeof ref === "string" || !containingSourceFile
          ? undefined
          : ts.getModeForFileReference(ref, containingSourceFile.impliedNodeFormat);
      const key = `${path.dirname(containingFile)}\0${name}\0${mode ?? ""}`;
      let r = typeResolutions.get(key);
      if (!r) {
        r = ts.resolveTypeReferenceDirective(
          name,
          containingFile,
          compilerOptions,
          moduleHost,
          redirect,
          typeCache,
          mode,
        );
        if (r.resolvedTypeReferenceDirective || isImmutable(containingFile)) typeResolutions.set(key, r);
      }
      return r;
    });

  const compilerHost: TS.CompilerHost & { getModuleResolutionCache(): TS.ModuleResolutionCache } = {
    getSourceFile: sourceFile,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    getDefaultLibLocation: () => libDir,
    writeFile: () => undefined,
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    ...moduleHost,
    resolveModuleNameLiterals,
    resolveTypeReferenceDirectiveReferences,
    getModuleResolutionCache: () => moduleCache,
  };

  const serviceHost: TS.LanguageServiceHost & { getModuleResolutionCache(): TS.ModuleResolutionCache } = {
    getCompilationSettings: () => compilerOptions,
    getScriptFileNames: () => rootNames,
    getScriptVersion: versionOf,
    // The service asks for every file's snapshot on every update: hand back the parsed file's own.
    getScriptSnapshot: (f) => {
      const cached = (isImmutable(f) ? immutableFiles : localFiles).get(f) as
        (TS.SourceFile & { version?: string; scriptSnapshot?: TS.IScriptSnapshot }) | undefined;
      if (cached?.scriptSnapshot && cached.version === versionOf(f)) return cached.scriptSnapshot;
      const text = textOf(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    ...moduleHost,
    useCaseSensitiveFileNames: () => true,
    // path completion in `import ... from "./`
    readDirectory: (p, extensions, exclude, include, depth) =>
      ts.sys.readDirectory(p, extensions, exclude, include, depth),
    resolveModuleNameLiterals,
    resolveTypeReferenceDirectiveReferences,
    getModuleResolutionCache: () => moduleCache,
  };
  // The service gets its files from the same cache as the checker's programs.
  const fromCache = (
    f: string,
    _snapshot: unknown,
    _version: unknown,
    _kind: unknown,
    options: TS.CreateSourceFileOptions,
  ) => sourceFile(f, options)!;
  const registry: TS.DocumentRegistry = {
    acquireDocument: (f, _s, snapshot, version, kind, o) =>
      fromCache(f, snapshot, version, kind, o as TS.CreateSourceFileOptions),
    acquireDocumentWithKey: (f, _p, _s, _k, snapshot, version, kind, o) =>
      fromCache(f, snapshot, version, kind, o as TS.CreateSourceFileOptions),
    updateDocument: (f, _s, snapshot, version, kind, o) =>
      fromCache(f, snapshot, version, kind, o as TS.CreateSourceFileOptions),
    updateDocumentWithKey: (f, _p, _s, _k, snapshot, version, kind, o) =>
      fromCache(f, snapshot, version, kind, o as TS.CreateSourceFileOptions),
    getKeyForCompilationSettings: () => "gradlab" as TS.DocumentRegistryBucketKey,
    releaseDocument: () => undefined,
    releaseDocumentWithKey: () => undefined,
    reportStats: () => "",
  };
  const service = ts.createLanguageService(serviceHost, registry);

  const suffix = (code: string, decls: CellDeclarations, alsoSee?: (name: string) => boolean): string =>
    env.suffix(decls, wordsOf(code), alsoSee);

  const setCell = (code: string, decls: CellDeclarations, alsoSee?: (name: string) => boolean) => {
    cellText = code + suffix(code, decls, alsoSee);
    cellVersion++;
    lastProgram = ts.createProgram({
      rootNames,
      options: compilerOptions,
      host: compilerHost,
      oldProgram: lastProgram,
    });
    lastProgramEnv = env.version();
    return lastProgram;
  };

  /** Errors inside the user's code that stop the cell. */
  const blocking = (all: readonly TS.Diagnostic[], userEnd: number) =>
    all.filter(
      (d) =>
        d.category === ts.DiagnosticCategory.Error &&
        !NON_BLOCKING.has(d.code) &&
        (d.start === undefined || d.start < userEnd),
    );
  // The suffix is always valid, so a syntax error inside it (an unclosed comment or bracket) is the
  // user's: report it at the end of their code.
  const atUserCode = (all: readonly TS.Diagnostic[], userEnd: number) =>
    all.map((d) =>
      d.start !== undefined && d.start >= userEnd ? { ...d, start: Math.max(0, userEnd - 1), length: 1 } : d,
    );
  const writer = (out: EmittedCell) => (name: string, text: string) => {
    if (name.endsWith(".d.ts")) out.dts = text;
    else if (name.endsWith(".map")) out.sourceMap = text;
    else if (name.endsWith(".js")) out.js = text.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  };

  const emitProgram = (
    program: TS.Program,
    transformers: TS.CustomTransformers | undefined,
    what: "js" | "dts" | "both",
  ): EmittedCell => {
    const out: EmittedCell = { js: "", sourceMap: "", dts: "" };
    const file = program.getSourceFile(cellFile)!;
    const write = writer(out);
    // `forceDtsEmit` (the language service's own switch) writes declarations with `declaration: false`.
    // Declarations go first, in their own pass: that pass links `export { x }` to `x` (with
    // `declaration: false` the checker does not), which the declaration emitter needs.
    const emit = program.emit as (
      file: TS.SourceFile,
      write: TS.WriteFileCallback,
      cancellationToken: undefined,
      emitOnlyDts: boolean,
      transformers: TS.CustomTransformers | undefined,
      forceDtsEmit: boolean,
    ) => TS.EmitResult;
    if (what !== "js") emit(file, write, undefined, true, undefined, true);
    if (what !== "dts") emit(file, write, undefined, false, transformers, false);
    return out;
  };

  // The kept checker (kept-checker.ts): made over the last program whose cell reached no new file; used
  // while the files next to the notebook stay as they were, taking each new or changed environment
  // segment as earlier cells declare names (followEnvironment).
  const canKeep = keptCheckerSupported(ts);
  const isEnvLink = (node: TS.Node) => isEnvironmentLink(ts, node);
  const stats = { kept: 0, program: 0, fallbacks: 0 };
  interface Kept {
    checker: KeptChecker;
    envVersion: number;
    /** Files next to the notebook in the basis. */
    locals: TS.SourceFile[];
    /** Each segment file as the checker has it. */
    segments: Map<string, TS.SourceFile>;
  }
  let kept: Kept | undefined;
  let keptCount = 0;
  const unchanged = (files: TS.SourceFile[]) =>
    files.every((f) => (f as { version?: string }).version === versionOf(f.fileName));

  /** Hands the kept checker the segments' new versions and new segments; false when it cannot take them. */
  const followEnvironment = (k: Kept): boolean => {
    if (k.envVersion === env.version()) return true;
    const newer: TS.SourceFile[] = [];
    for (const name of env.files()) {
      const file = sourceFile(name, cellFileOptions);
      if (!file) return false;
      if (file === k.segments.get(name)) continue;
      if (!asProgramFile(ts, file)) return false;
      newer.push(file);
    }
    if (!newer.every((file) => k.checker.resolvesImportsOf(file))) return false;
    for (const file of newer) {
      k.checker.use(file);
      k.segments.set(file.fileName, file);
    }
    k.envVersion = env.version();
    return true;
  };

  const keptChecker = (): KeptChecker | undefined => {
    if (!canKeep) return undefined;
    if (kept?.checker.open && unchanged(kept.locals) && followEnvironment(kept)) return kept.checker;
    kept = undefined;
    const basisCell = lastProgram?.getSourceFile(cellFile);
    // A program whose cell imported something holds files a fresh program would not (a side-effect
    // import's globals, a `/// <reference>`): never a basis.
    if (!lastProgram || !basisCell || !reachesNoNewFile(ts, basisCell, isEnvLink)) return undefined;
    const segments: Kept["segments"] = new Map();
    const locals: TS.SourceFile[] = [];
    for (const f of lastProgram.getSourceFiles()) {
      if (env.file(f.fileName)) segments.set(f.fileName, f);
      else if (f !== basisCell && f.fileName !== prelude.fileName && !isImmutable(f.fileName)) locals.push(f);
    }
    if (!unchanged(locals)) return undefined;
    const checker = keepChecker(ts, {
      program: lastProgram,
      cell: basisCell,
      siblings: [...segments.values()],
      localModule: (name) => env.fileOf(name),
      resolve: (name, mode) => resolveOne(name, cellFile, mode),
    });
    // The basis may be a cell behind (the cell it was made for declared names since): follow.
    const fresh: Kept = { checker, envVersion: lastProgramEnv, locals, segments };
    if (!followEnvironment(fresh)) return undefined;
    kept = fresh;
    return checker;
  };

  const keptCell = (code: string, decls: CellDeclarations): CellCheck | undefined => {
    if (!canKeep) return undefined;
    const fileName = path.join(cwd, `__gradlab_${id}_kept${keptCount + 1}__.ts`);
    const text = code + suffix(code, decls);
    const file = ts.createSourceFile(fileName, text, cellFileOptions, true, ts.ScriptKind.TS);
    if (!reachesNoNewFile(ts, file, isEnvLink) || !asProgramFile(ts, file)) return undefined;
    const checker = keptChecker();
    if (!checker) return undefined;
    keptCount++;
    checker.add(file);
    const userEnd = code.length;
    return {
      via: "kept",
      syntaxDiagnostics: () => atUserCode((file as InternalFile).parseDiagnostics, userEnd),
      diagnostics: () => blocking(checker.diagnostics(file), userEnd),
      emit(transformers, what) {
        const out: EmittedCell = { js: "", sourceMap: "", dts: "" };
        if (what !== "js") checker.emit(file, undefined, writer(out), "dts");
        if (what !== "dts") checker.emit(file, transformers, writer(out), "js");
        return out;
      },
    };
  };

  const programDiagnostics = (program: TS.Program, userEnd: number) =>
    blocking(program.getSemanticDiagnostics(program.getSourceFile(cellFile)!), userEnd);
  const programSyntax = (program: TS.Program, userEnd: number) =>
    atUserCode(program.getSyntacticDiagnostics(program.getSourceFile(cellFile)!), userEnd);

  return {
    ts,
    cellFile,
    setCell,
    cell(code, decls) {
      const inProgram = (): CellCheck => {
        const program = setCell(code, decls);
        return {
          via: "program",
          syntaxDiagnostics: () => programSyntax(program, code.length),
          diagnostics: () => programDiagnostics(program, code.length),
          emit: (transformers, what) => emitProgram(program, transformers, what),
        };
      };
      let quick: CellCheck | undefined;
      try {
        quick = keptCell(code, decls);
      } catch {
        stats.fallbacks++;
        kept = undefined;
      }
      if (!quick) {
        stats.program++;
        return inProgram();
      }
      stats.kept++;
      return withFallback(quick, () => {
        stats.kept--;
        stats.program++;
        stats.fallbacks++;
        kept = undefined;
        return inProgram();
      });
    },
    stats: () => ({ ...stats }),
    keep() {
      try {
        keptChecker();
      } catch {
        kept = undefined;
      }
    },
    serviceFor(code, decls, alsoSee) {
      cellText = code + suffix(code, decls, alsoSee);
      cellVersion++;
      return service;
    },
    diagnostics: programDiagnostics,
    syntaxDiagnostics: programSyntax,
    emit: emitProgram,
    addChunk(dts, names) {
      env.add(dts, names);
    },
    envNames: () => env.names(),
  };
}

/**
 * A kept cell that falls back to a program if the kept checker fails (it relies on TypeScript internals:
 * a cell must never fail for our sake). Both give the same results, so switching halfway is safe.
 */
function withFallback(quick: CellCheck, fallback: () => CellCheck): CellCheck {
  let use = quick;
  const attempt = <T>(step: (cell: CellCheck) => T): T => {
    if (use === quick) {
      try {
        return step(quick);
      } catch {
        use = fallback();
      }
    }
    return step(use);
  };
  return {
    get via() {
      return use.via;
    },
    syntaxDiagnostics: () => attempt((c) => c.syntaxDiagnostics()),
    diagnostics: () => attempt((c) => c.diagnostics()),
    emit: (transformers, what) => attempt((c) => c.emit(transformers, what)),
  };
}

/** Every identifier-like word in the code: a cheap superset of the names it uses. */
function wordsOf(code: string): Set<string> {
  return new Set(code.match(/[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*/g) ?? []);
}

/** The @types folder that holds @types/node, wherever npm put it (it types console, timers, Buffer...). */
function findNodeTypes(packageRoot: string): string | undefined {
  try {
    const manifest = createRequire(path.join(packageRoot, "package.json")).resolve(
      "@types/node/package.json",
    );
    return path.dirname(manifest);
  } catch {
    return undefined;
  }
}

/** Statements of the suffix that link a cell to earlier cells' declarations: types only, never run. */
export const isEnvironmentImport = isEnvironmentLink;
