/**
 * The stepper's page script, as text inlined after its HTML. Every step is already in the HTML (that is the
 * scripts-off view); the script only shows one step at a time and wires the controls. It defines no
 * globals (one IIFE) and finds its roots by their data attribute, so several steppers share a page, and a
 * root re-rendered by update_display_data is picked up again.
 *
 * Written as plain ES2017 in a string (not a compiled function) so that no build step can inject helpers
 * into it. Frontends run inline scripts in different ways (JupyterLab re-creates the element, classic
 * Notebook evaluates it through jQuery, VS Code in its webview): nothing here relies on
 * `document.currentScript`.
 */

const SOURCE = String.raw`(function () {
  var roots = document.querySelectorAll('[data-gradlab-stepper="__ID__"]');
  for (var r = 0; r < roots.length; r++) init(roots[r]);
  function init(root) {
    if (root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var steps = root.querySelectorAll("[data-step]");
    var n = steps.length;
    var controls = root.querySelector("[data-role=controls]");
    var slider = root.querySelector("[data-role=slider]");
    var pos = root.querySelector("[data-role=pos]");
    var play = root.querySelector("[data-act=play]");
    var timer = null;
    var k = Math.min(n - 1, Math.max(0, Number(root.getAttribute("data-start")) || 0));
    controls.style.display = "flex";
    function show(i) {
      k = Math.min(n - 1, Math.max(0, i));
      for (var j = 0; j < n; j++) steps[j].style.display = j === k ? "" : "none";
      slider.value = String(k);
      pos.textContent = k + 1 + " / " + n;
      root.setAttribute("data-current", String(k));
    }
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      play.textContent = "\u25B6 Play";
    }
    function toggle() {
      if (timer !== null) return stop();
      if (k >= n - 1) show(0);
      play.textContent = "\u275A\u275A Pause";
      timer = setInterval(function () {
        if (!root.isConnected || k >= n - 1) stop();
        else show(k + 1);
      }, Number(root.getAttribute("data-delay")) || 1200);
    }
    root.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("[data-act]") : null;
      if (!b || !root.contains(b)) return;
      var act = b.getAttribute("data-act");
      if (act === "play") return toggle();
      stop();
      show(act === "next" ? k + 1 : act === "prev" ? k - 1 : act === "first" ? 0 : n - 1);
    });
    slider.addEventListener("input", function () {
      stop();
      show(Number(slider.value));
    });
    root.addEventListener("keydown", function (e) {
      var keys = { ArrowRight: 1, ArrowLeft: -1 };
      // Keys go to this stepper only: the notebook must not also move its cell selection.
      if (e.target === slider) return e.stopPropagation();
      if (keys[e.key]) show(k + keys[e.key]);
      else if (e.key === "Home") show(0);
      else if (e.key === "End") show(n - 1);
      else if (e.key === " " && e.target === root) toggle();
      else return;
      if (e.key !== " ") stop();
      e.preventDefault();
      e.stopPropagation();
    });
    show(k);
  }
})();`;

/**
 * The script for the stepper root(s) with this id.
 * @example stepperScript("gls-1a2b3c4d").includes('data-gradlab-stepper="gls-1a2b3c4d"') // true
 */
export function stepperScript(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new RangeError(`stepper: invalid id ${JSON.stringify(id)}`);
  return `<script>${SOURCE.replace("__ID__", id)}</script>`;
}
