// Shared pieces of every page: form fields that show the API's errors in place, the page
// frame, loading and error states, and formatting.
import { createContext, html, useCallback, useContext, useEffect, useRef, useState } from "./lib.js";
import { hasNavigated } from "./router.js";

export const Session = createContext({ user: null, setUser: () => {} });
export const useSession = () => useContext(Session);

let fieldIds = 0;
const useId = (prefix) => {
  const ref = useRef(null);
  ref.current ??= `${prefix}-${++fieldIds}`;
  return ref.current;
};

/** The messages the API gave for one field (its `errors` map), as a string. */
export function fieldError(error, ...names) {
  if (!error?.errors) return "";
  return names.flatMap((name) => error.errors[name] || []).join(" ");
}

/** A labelled input, select or textarea with its hint and the API's error for it. */
export function Field({ label, hint, error, as = "input", options, children, ...props }) {
  const id = useId(props.name || "field");
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  const control = {
    id,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described || undefined,
    ...props,
  };
  let input;
  if (as === "select") {
    input = html`<select ...${control}>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>`;
  } else if (as === "textarea") input = html`<textarea ...${control}></textarea>`;
  else input = html`<input ...${control} />`;
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}</label>
    ${input}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
    ${children}
  </div>`;
}

/** The API's `detail` (and any error not tied to a field shown on the form). */
export function ErrorNotice({ error, fields = [] }) {
  if (!error) return null;
  const other = Object.entries(error.errors || {}).filter(([name]) => !fields.includes(name));
  return html`<div class="notice error" role="alert">
    <p>${error.detail || String(error)}</p>
    ${other.length > 0 &&
    html`<ul>
      ${other.map(([name, messages]) => html`<li><strong>${name}</strong>: ${messages.join(" ")}</li>`)}
    </ul>`}
  </div>`;
}

export function Notice({ kind = "info", children }) {
  return html`<div class=${`notice ${kind}`} role="status">${children}</div>`;
}

export function Button({ busy, children, kind = "primary", type = "button", ...props }) {
  return html`<button
    type=${type}
    class=${`button ${kind}`}
    disabled=${busy || props.disabled}
    aria-busy=${busy ? "true" : undefined}
    ...${props}
  >
    ${children}
  </button>`;
}

/** A page: sets the document title and gives focus to the heading after a navigation. */
export function Page({ title, heading, actions, children, wide = false }) {
  const ref = useRef(null);
  useEffect(() => {
    document.title = title ? `${title} · FilmStudio` : "FilmStudio";
  }, [title]);
  useEffect(() => {
    const focus = document.activeElement;
    if (hasNavigated && (focus === document.body || focus?.closest("header, form, nav"))) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return html`<div class=${`page${wide ? " wide" : ""}`}>
    <div class="page-head">
      <h1 tabindex="-1" ref=${ref}>${heading ?? title}</h1>
      ${actions && html`<div class="actions">${actions}</div>`}
    </div>
    ${children}
  </div>`;
}

export function Loading({ label = "Loading…" }) {
  return html`<p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${label}</p>`;
}

export function NotFoundPage({ what = "page" }) {
  return html`<${Page} title="Not found">
    <p>This ${what} does not exist, or it is not yours.</p>
    <p><a href="/projects">Back to your projects</a></p>
  <//>`;
}

/** Load data for a page: {data, error, loading, reload, setData}; reruns when deps change. */
export function useLoad(loader, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    return loader().then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (error) => mine === generation.current && setState({ data: null, error, loading: false }),
    );
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  const setData = (data) => setState((s) => ({ ...s, data: typeof data === "function" ? data(s.data) : data }));
  return { ...state, reload, setData };
}

/** Submit handler state for a form: {busy, error, run}. `run(fn)` catches the ApiError. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

export function Pager({ page, count, pageSize, onPage, label = "Pages" }) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (pages <= 1) return null;
  return html`<nav class="pager" aria-label=${label}>
    <${Button} kind="secondary" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous<//>
    <span>Page ${page} of ${pages}</span>
    <${Button} kind="secondary" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>Next<//>
  </nav>`;
}

/** A table that scrolls sideways on a narrow screen: a focusable region, so the keyboard can
 * scroll it too. */
export function TableWrap({ label, children }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}

/** A loaded page of results (useLoad) as a table, newest first: loading, the API's error, or
 * `empty` when there is none. columns: [{head, cell(row), cls (a class, or row => class)}]. */
export function DataTable({ load, id, label, empty, columns }) {
  if (load.error) return html`<${ErrorNotice} error=${load.error} />`;
  if (!load.data) return html`<${Loading} />`;
  if (!load.data.results.length) return html`<p>${empty}</p>`;
  const cls = (column, row) => (typeof column.cls === "function" ? column.cls(row) : column.cls);
  return html`<${TableWrap} label=${label}><table id=${id}>
    <caption class="visually-hidden">${label}, newest first</caption>
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${cls(c, {})}>${c.head}</th>`)}</tr></thead>
    <tbody>
      ${load.data.results.map(
        (row) => html`<tr key=${row.id}>${columns.map((c) => html`<td class=${cls(c, row)}>${c.cell(row)}</td>`)}</tr>`,
      )}
    </tbody>
  </table><//>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`}>${(status || "").replace(/_/g, " ")}</span>`;
}

export function ProgressBar({ value, label, id }) {
  return html`<div class="progress">
    <progress id=${id} max="100" value=${value} aria-label=${label}>${value}%</progress>
    <span class="progress-value" aria-hidden="true">${value}%</span>
  </div>`;
}

// --- formatting ---------------------------------------------------------------------------

export function bytes(n) {
  if (n == null) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let value = n;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(value < 10 && i ? 1 : 0)} ${units[i]}`;
}

export function duration(seconds) {
  if (seconds == null) return "";
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

export function date(value) {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";
}

/** An amount in the currency's minor unit (Stripe's `*_cents`, `amount_*`) as money. */
export function money(cents, currency = "usd") {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(
    cents / 100,
  );
}

export const plural = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const words = (name) => (name || "").replace(/_/g, " ");
