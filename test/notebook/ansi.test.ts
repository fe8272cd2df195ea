import { describe, expect, it } from "vitest";
import { ansiToHtml, applyControlChars } from "../../kernel/notebook/ansi.js";

describe("ANSI to HTML", () => {
  it.each([
    ["named colour → class", "\x1b[31mred\x1b[39m", '<span class="ansi-red-fg">red</span>'],
    ["bright colour", "\x1b[91mred\x1b[0m", '<span class="ansi-bright-red-fg">red</span>'],
    [
      "bold + colour",
      "\x1b[1;32mok\x1b[0m",
      '<span class="ansi-green-fg" style="font-weight:bold">ok</span>',
    ],
    ["background", "\x1b[42mbg\x1b[0m", '<span class="ansi-green-bg">bg</span>'],
    ["256-colour cube", "\x1b[38;5;208mo\x1b[0m", '<span style="color:rgb(255, 135, 0)">o</span>'],
    ["256-colour grey", "\x1b[38;5;241mg\x1b[0m", '<span style="color:rgb(98, 98, 98)">g</span>'],
    ["256-colour low = named", "\x1b[38;5;1mr\x1b[0m", '<span class="ansi-red-fg">r</span>'],
    ["true colour", "\x1b[38;2;1;2;3mt\x1b[0m", '<span style="color:rgb(1, 2, 3)">t</span>'],
    ["text is escaped", "a <b>&</b>", "a &lt;b&gt;&amp;&lt;/b&gt;"],
    ["escaped inside colour", "\x1b[31m<i>\x1b[0m", '<span class="ansi-red-fg">&lt;i&gt;</span>'],
  ])("%s", (_name, input, html) => {
    expect(ansiToHtml(input)).toBe(html);
  });

  it.each([
    ["carriage return overwrites", "tqdm\r0%\r50%\r100%", "100%"],
    ["shorter overwrite keeps the tail", "abcdef\rxy", "xycdef"],
    ["CRLF is a newline", "a\r\nb", "a\nb"],
    ["backspace erases", "abc\b\bX", "aX"],
    ["lines are independent", "one\rtwo\nthree", "two\nthree"],
  ])("%s", (_name, input, out) => {
    expect(applyControlChars(input)).toBe(out);
  });
});
