// A small history router: the path decides the page; links within the studio navigate
// without a reload; focus moves to the new page's heading so screen readers follow.
import { useEffect, useState } from "./lib.js";

const listeners = new Set();
// False until the first in-app navigation: the first page leaves focus where the browser puts
// it (the skip link comes first); later pages move it to their heading.
export let hasNavigated = false;
// The page shown: its path and query. The fragment is not part of it.
let shown = location.pathname + location.search;

export function navigate(to, { replace = false } = {}) {
  const target = new URL(to, location.origin);
  if (target.href === location.href) return;
  history[replace ? "replaceState" : "pushState"](null, "", target.pathname + target.search + target.hash);
  shown = target.pathname + target.search;
  hasNavigated = true;
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", () => {
  // Following an in-page anchor (the skip link) fires popstate too: the page stays, and so
  // does the focus the browser gave the anchor's target (re-rendering would move it to the
  // heading while the user is already typing in the form).
  if (location.pathname + location.search === shown) return;
  shown = location.pathname + location.search;
  hasNavigated = true;
  for (const listener of listeners) listener();
});

/** The current location, re-rendered on every navigation. */
export function useLocation() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** The route matching `path` and its parameters, or null. */
export function match(routes, path) {
  const parts = path.replace(/\/+$/, "").split("/").slice(1);
  for (const route of routes) {
    const pattern = route.path.replace(/\/+$/, "").split("/").slice(1);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]);
        return parts[i] !== "";
      }
      return segment === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

/** Clicks on links to studio pages navigate in place; everything else (API files,
 * downloads, new tabs, other sites) is left to the browser. */
export function interceptLinks(routes) {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download")) return;
    const target = new URL(link.href, location.href);
    if (target.origin !== location.origin || !match(routes, target.pathname)) return;
    // An in-page anchor (the skip link) is the browser's: it moves the focus there.
    if (target.hash && target.pathname === location.pathname && target.search === location.search) return;
    event.preventDefault();
    navigate(target.pathname + target.search + target.hash);
  });
}
