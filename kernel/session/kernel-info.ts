/**
 * kernel_info_reply content. Built from package.json files read as JSON: the kernel answers kernel_info
 * without loading TypeScript itself.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#kernel-info
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "../protocol/wire.js";

function versionOf(packageJson: string): string {
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function kernelInfoContent(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const gradlab = versionOf(require.resolve("gradlab/package.json"));
  const typescript = versionOf(require.resolve("typescript/package.json"));
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "gradlab",
    implementation_version: gradlab,
    language_info: {
      name: "typescript",
      version: typescript,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner:
      `gradlab ${gradlab}: TypeScript ${typescript} on Node.js ${process.versions.node}, ` +
      `with tensors and autodiff (import { tensor, grad } from "gradlab")`,
    help_links: [
      { text: "gradlab", url: "https://github.com/gradlab/gradlab#readme" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    ],
    debugger: false,
  };
}
