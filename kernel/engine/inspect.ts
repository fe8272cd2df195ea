/**
 * `inspect_request` (Shift+Tab): the signature and doc comment of the name at the cursor, or of the call
 * whose arguments the cursor is in. `text/plain` for consoles, `text/markdown` for notebooks, where the
 * `@example` blocks of gradlab's doc comments render as code.
 */
import type * as TS from "typescript";
import type { Checker } from "./checker.js";
import type { CellDeclarations } from "./declarations.js";
import type { Inspection } from "./types.js";

interface Doc {
  signature: string;
  documentation: string;
  tags: TS.JSDocTagInfo[];
}

export function inspection(
  checker: Checker,
  code: string,
  cursor: number,
  decls: CellDeclarations,
): Inspection {
  cursor = Math.max(0, Math.min(cursor, code.length));
  const service = checker.serviceFor(code, decls);
  const doc = quickInfo(checker, service, code, cursor) ?? signatureHelp(checker, service, cursor);
  if (!doc) return { found: false, data: {}, metadata: {} };
  return { found: true, data: render(checker.ts, doc), metadata: {} };
}

/** The name under the cursor; Jupyter usually sends the cursor just after the name. */
function quickInfo(
  checker: Checker,
  service: TS.LanguageService,
  code: string,
  cursor: number,
): Doc | undefined {
  const ts = checker.ts;
  for (const pos of [cursor, cursor - 1]) {
    if (pos < 0 || pos >= code.length) continue;
    let info = service.getQuickInfoAtPosition(checker.cellFile, pos);
    if (!info || info.textSpan.start >= code.length) continue;
    if (info.kind === ts.ScriptElementKind.alias)
      info = declarationInfo(service, checker.cellFile, pos) ?? info;
    return {
      signature: withoutAlias(ts.displayPartsToString(info.displayParts)),
      documentation: ts.displayPartsToString(info.documentation),
      tags: info.tags ?? [],
    };
  }
  return undefined;
}

/**
 * Earlier cells' names (and imported ones) reach the cell as imports, whose quick info reads
 * "(alias) ... import x". The user wants the declaration itself: `function scale(x: number): number`.
 */
function declarationInfo(service: TS.LanguageService, file: string, pos: number): TS.QuickInfo | undefined {
  const def = service.getDefinitionAtPosition(file, pos)?.[0];
  if (!def) return undefined;
  const info = service.getQuickInfoAtPosition(def.fileName, def.textSpan.start);
  return info && info.kind !== "alias" ? info : undefined;
}

/** Whatever alias noise is left (an alias whose declaration cannot be reached). */
function withoutAlias(signature: string): string {
  // names from earlier cells live in the environment's per-cell namespaces: `__gradlab_c3.scale`
  signature = signature.replace(/\b__gradlab_c\d+\./g, "");
  if (!signature.startsWith("(alias) ")) return signature;
  return signature
    .slice("(alias) ".length)
    .split("\n")
    .filter((line) => !line.startsWith("import "))
    .join("\n");
}

/** Inside `f(a, |)`: the signature of `f`. */
function signatureHelp(checker: Checker, service: TS.LanguageService, cursor: number): Doc | undefined {
  const ts = checker.ts;
  const help = service.getSignatureHelpItems(checker.cellFile, cursor, undefined);
  const item = help?.items[help.selectedItemIndex];
  if (!item) return undefined;
  const params = item.parameters.map((p) => ts.displayPartsToString(p.displayParts));
  const signature =
    ts.displayPartsToString(item.prefixDisplayParts) +
    params.join(ts.displayPartsToString(item.separatorDisplayParts)) +
    ts.displayPartsToString(item.suffixDisplayParts);
  return { signature, documentation: ts.displayPartsToString(item.documentation), tags: item.tags };
}

function tagText(ts: typeof TS, tag: TS.JSDocTagInfo): string {
  return ts.displayPartsToString(tag.text ?? []);
}

function render(ts: typeof TS, doc: Doc): Record<string, string> {
  const plain = [doc.signature];
  const markdown = ["```typescript", doc.signature, "```"];
  if (doc.documentation) {
    plain.push("", doc.documentation);
    markdown.push("", doc.documentation);
  }
  for (const tag of doc.tags) {
    const text = tagText(ts, tag);
    plain.push("", `@${tag.name}${text.includes("\n") ? "\n" : " "}${text}`);
    if (tag.name === "example") {
      const fenced = text.trimStart().startsWith("```");
      markdown.push("", "**Example**", "", fenced ? text : ["```typescript", text, "```"].join("\n"));
    } else {
      markdown.push("", `*@${tag.name}* ${text}`);
    }
  }
  return { "text/plain": plain.join("\n"), "text/markdown": markdown.join("\n") };
}
