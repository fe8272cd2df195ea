/**
 * How a cell's `import` / `require` find modules at run time:
 * - `"gradlab"` is always this package's library (dist/lib/index.js next to this kernel), whatever the
 *   notebook's folder, so cells and the kernel's display code share one instance;
 * - `./file` (or `./file.ts`, `./file.js` naming a .ts source) next to the notebook: a local TypeScript
 *   module, transpiled to CommonJS on load and cached until the file changes;
 * - anything else resolves from the notebook's folder first (its node_modules), then Node's usual
 *   lookup; ES modules and CommonJS both load (`import()` handles either).
 */
import { createRequire, builtinModules } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as vm from "node:vm";

export interface ModuleHost {
  /** `import ... from spec` and `import(spec)` in a cell: a module namespace object. */
  importModule(spec: string): Promise<unknown>;
  /** `require(spec)` in a cell. */
  require(spec: string): unknown;
  /** `import.meta` in a cell. */
  meta: { url: string; filename: string; dirname: string };
}

export interface ModuleHostOptions {
  cwd: string;
  packageRoot: string;
  /** Transpiles a local TypeScript module to CommonJS (synchronous: `require` is). */
  compileLocal(code: string, fileName: string): { js: string; sourceMap: string };
  /** Lets runtime errors inside local modules point at their TypeScript lines. */
  registerSource(fileName: string, text: string, sourceMap: string, lineOffset: number): void;
}

const TS_SOURCE = /\.(ts|mts|cts|tsx)$/;

/** The local TypeScript file a relative specifier names, if any (`./a`, `./a.ts`, `./a.js` → a.ts). */
export function resolveLocalTs(fromDir: string, spec: string): string | undefined {
  const base = path.resolve(fromDir, spec);
  const candidates = [
    base,
    `${base}.ts`,
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base.replace(/\.cjs$/, ".cts"),
    path.join(base, "index.ts"),
  ];
  for (const c of candidates) if (TS_SOURCE.test(c) && isFile(c)) return c;
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

const isRelative = (spec: string) => spec.startsWith("./") || spec.startsWith("../") || path.isAbsolute(spec);
const isGradlab = (spec: string) => spec === "gradlab" || spec.startsWith("gradlab/");

/**
 * The file a package's `exports` give an ES import of `spec` (the "node", "import" or "default"
 * condition), looked up in the node_modules folders above `fromDir`. Subpath patterns are not read.
 */
export function resolveImportCondition(fromDir: string, spec: string): string | undefined {
  const parts = spec.split("/");
  const nameLength = spec.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = ["."].concat(parts.slice(nameLength)).join("/");
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, "node_modules", name);
    let manifest: { exports?: unknown } | undefined;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"));
    } catch {
      manifest = undefined;
    }
    if (manifest) {
      let exports = manifest.exports;
      const isMap = exports && typeof exports === "object" && !Array.isArray(exports);
      if (!isMap || !Object.keys(exports as object).some((k) => k.startsWith(".")))
        exports = { ".": exports };
      const target = conditionTarget((exports as Record<string, unknown>)[subpath]);
      return target ? path.join(packageDir, target) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function conditionTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(conditionTarget).find((t) => t !== undefined);
  if (value && typeof value === "object") {
    for (const [condition, target] of Object.entries(value)) {
      if (condition !== "node" && condition !== "import" && condition !== "default") continue;
      const found = conditionTarget(target);
      if (found) return found;
    }
  }
  return undefined;
}

/** CommonJS exports seen through an ES import: `default` is module.exports unless it was compiled ESM. */
function asNamespace(exports: unknown): unknown {
  if (exports && typeof exports === "object" && (exports as { __esModule?: boolean }).__esModule)
    return exports;
  const ns: Record<string, unknown> = Object.create(null);
  if (exports && (typeof exports === "object" || typeof exports === "function")) {
    for (const key of Object.keys(exports)) ns[key] = (exports as Record<string, unknown>)[key];
  }
  ns.default = exports;
  return ns;
}

function notFound(spec: string, dir: string, cause: unknown): Error {
  const err = new Error(
    `Cannot find module '${spec}' from ${dir}` +
      (isRelative(spec) ? "" : ` (install it in the notebook's folder: npm install ${spec})`),
    { cause },
  );
  (err as Error & { code?: string }).code = "MODULE_NOT_FOUND";
  return err;
}

export function createModuleHost(options: ModuleHostOptions): ModuleHost {
  const { cwd, packageRoot } = options;
  const libraryJs = path.join(packageRoot, "dist", "lib", "index.js");
  const librarySource = path.join(packageRoot, "lib", "index.ts");
  const localCache = new Map<string, { mtimeMs: number; exports: unknown }>();
  const loading: string[] = [];
  let esmImporter: ((spec: string) => Promise<unknown>) | undefined;

  const gradlabPath = () => {
    if (isFile(libraryJs)) return libraryJs;
    return librarySource; // not built: transpile the sources on load
  };

  const loadLocal = (file: string): unknown => {
    const mtimeMs = fs.statSync(file).mtimeMs;
    const cached = localCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.exports;
    const at = loading.indexOf(file);
    if (at >= 0) {
      const cycle = [...loading.slice(at), file].map((f) => path.relative(cwd, f) || f).join(" → ");
      throw new Error(`Circular import between local modules: ${cycle}`);
    }
    const text = fs.readFileSync(file, "utf8");
    const { js, sourceMap } = options.compileLocal(text, file);
    options.registerSource(file, text, sourceMap, 1);
    const wrapper = vm.runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {\n${js}\n})`,
      { filename: file },
    ) as (...args: unknown[]) => void;
    const module = { exports: {} as unknown };
    loading.push(file);
    try {
      const dir = path.dirname(file);
      wrapper.call(module.exports, module.exports, requireFrom(dir), module, file, dir);
    } finally {
      loading.pop();
    }
    localCache.set(file, { mtimeMs, exports: module.exports });
    return module.exports;
  };

  const requireFrom = (dir: string) => {
    const nodeRequire = createRequire(path.join(dir, "__notebook__.js"));
    const req = (spec: string): unknown => {
      if (isGradlab(spec)) {
        const lib = gradlabPath();
        return lib.endsWith(".ts") ? loadLocal(lib) : nodeRequire(lib);
      }
      if (isRelative(spec)) {
        const local = resolveLocalTs(dir, spec);
        if (local) return loadLocal(local);
      }
      try {
        return nodeRequire(spec);
      } catch (err) {
        if ((err as { code?: string }).code === "MODULE_NOT_FOUND") throw notFound(spec, dir, err);
        throw err;
      }
    };
    return Object.assign(req, { resolve: nodeRequire.resolve, cache: nodeRequire.cache });
  };

  const cellRequire = requireFrom(cwd);
  const nodeRequire = createRequire(path.join(cwd, "__notebook__.js"));

  const importModule = async (spec: string): Promise<unknown> => {
    if (typeof spec !== "string")
      throw new TypeError(`import() needs a module name string, got ${typeof spec}`);
    if (isGradlab(spec)) {
      if (spec !== "gradlab") throw notFound(spec, packageRoot, undefined);
      const lib = gradlabPath();
      return lib.endsWith(".ts") ? asNamespace(loadLocal(lib)) : import(pathToFileURL(lib).href);
    }
    if (spec.startsWith("node:") || builtinModules.includes(spec)) return import(spec);
    if (isRelative(spec)) {
      const local = resolveLocalTs(cwd, spec);
      if (local) return asNamespace(loadLocal(local));
    }
    if (spec.endsWith(".json")) return asNamespace(cellRequire(spec));
    let resolved: string;
    try {
      resolved = nodeRequire.resolve(spec);
    } catch (err) {
      // a package whose "exports" only offer an "import" condition
      if ((err as { code?: string }).code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
        const target = resolveImportCondition(cwd, spec);
        return target ? import(pathToFileURL(target).href) : esmImport(spec);
      }
      throw notFound(spec, cwd, err);
    }
    return import(pathToFileURL(resolved).href);
  };

  // Node's own ESM resolver from the notebook's folder, for what resolveImportCondition cannot read
  // (Node 20 prints an ExperimentalWarning for it once, hence the last resort).
  const esmImport = (spec: string): Promise<unknown> => {
    esmImporter ??= new vm.Script("(spec) => import(spec)", {
      filename: path.join(cwd, "__notebook__.mjs"),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as (spec: string) => Promise<unknown>;
    return esmImporter(spec);
  };

  const file = path.join(cwd, "notebook.ipynb");
  return {
    importModule,
    require: cellRequire,
    meta: { url: pathToFileURL(file).href, filename: file, dirname: cwd },
  };
}
