// The one module that talks to the FilmStudio REST API. It owns the tokens (pages never see
// them), refreshes silently on a 401 and retries once, and turns every failure into an
// ApiError carrying the API's one error shape: {detail, code, errors}.
//
// Tokens: the access token lives in memory only. The refresh token is kept in localStorage so
// a reload (or a second tab) stays signed in; it rotates on every refresh (the server
// blacklists the old one) and sign-out blacklists it. Tabs take turns refreshing (Web Locks)
// and each reads the newest stored token, so two tabs never spend the same refresh token.

const config = JSON.parse(document.getElementById("studio-config").textContent);
export const API = config.api;
const ALLAUTH = config.allauth;
const REFRESH_KEY = "filmstudio.refresh";

let access = null;
let refreshing = null; // the one refresh in flight, shared by every request that got a 401
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail);
    this.status = status;
    this.detail = body.detail;
    this.code = body.code || "error";
    this.errors = body.errors || {};
  }
}

const offline = () =>
  new ApiError(0, {
    detail: "FilmStudio cannot be reached. Check your connection and try again.",
    code: "network_error",
  });

export async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy's page, an empty body
  }
  if (!body || typeof body.detail !== "string") {
    body = { detail: `The server answered ${response.status}.`, code: `http_${response.status}` };
  }
  return new ApiError(response.status, body);
}

function storedRefresh() {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function emit(state) {
  for (const listener of listeners) listener(state);
}

function keep(tokens) {
  access = tokens.access;
  localStorage.setItem(REFRESH_KEY, tokens.refresh);
  emit("signed-in");
}

function forget() {
  const had = access !== null || storedRefresh() !== null;
  access = null;
  localStorage.removeItem(REFRESH_KEY);
  if (had) emit("signed-out");
}

// Another tab signed out (or in): follow it.
window.addEventListener("storage", (event) => {
  if (event.key !== REFRESH_KEY) return;
  if (!event.newValue) {
    access = null;
    emit("signed-out");
  }
});

/** Subscribe to "signed-in" / "signed-out"; returns the unsubscribe function. */
export function onSession(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const hasSession = () => access !== null || storedRefresh() !== null;

function inTurn(work) {
  return navigator.locks ? navigator.locks.request(REFRESH_KEY, work) : work();
}

/** Trade the stored refresh token for a new pair. True when signed in afterwards. */
function refresh() {
  refreshing ??= inTurn(async () => {
    const token = storedRefresh();
    if (!token) return false;
    let response;
    try {
      response = await fetch(`${API}/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ refresh: token }),
      });
    } catch {
      throw offline();
    }
    if (response.ok) {
      keep(await response.json());
      return true;
    }
    if (response.status < 500) forget(); // expired, blacklisted, password changed
    else throw await errorFrom(response);
    return false;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const url = (path) => (/^https?:/.test(path) ? path : API + path);

/**
 * Call the API. `body` is sent as JSON (or as is for FormData/Blob). Resolves to the parsed
 * JSON (null for an empty body), or the Response itself with `raw: true`. Rejects with an
 * ApiError. A 401 refreshes the tokens once and retries; if that fails the session ends
 * (onSession listeners hear "signed-out").
 */
export async function request(path, options = {}) {
  const { method = "GET", body, headers = {}, auth = true, signal, raw = false } = options;
  const init = { method, signal, headers: { accept: "application/json", ...headers } };
  if (body instanceof FormData || body instanceof Blob) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  if (auth && access === null && storedRefresh()) await refresh(); // a fresh page load
  const send = async () => {
    const used = auth ? access : null;
    if (used) init.headers.authorization = `Bearer ${used}`;
    try {
      return [await fetch(url(path), init), used];
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw offline();
    }
  };
  let [response, used] = await send();
  if (response.status === 401 && auth && used) {
    // Another request may have refreshed meanwhile: then just retry with the new token.
    if (access !== used || (await refresh())) [response] = await send();
  }
  if (!response.ok) throw await errorFrom(response);
  if (raw) return response;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => request(path, options);
export const post = (path, body, options = {}) => request(path, { ...options, method: "POST", body });
export const patch = (path, body, options = {}) =>
  request(path, { ...options, method: "PATCH", body });
export const del = (path, options = {}) => request(path, { ...options, method: "DELETE" });

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) {
      search.set(key, value);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// --- the session -------------------------------------------------------------------------

export async function signIn(email, password) {
  keep(await post("/auth/login", { email, password }, { auth: false }));
  return me();
}

export async function signOut() {
  const token = storedRefresh();
  forget();
  if (token) {
    // Blacklist the refresh token; signed out locally whatever the answer.
    await post("/auth/logout", { refresh: token }, { auth: false }).catch(() => {});
  }
}

export const me = () => get("/auth/me");

/** Resolve to the signed-in user, or null (no session, or it could not be refreshed). */
export async function restore() {
  if (!hasSession()) return null;
  try {
    return await me();
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

/** Change the password: every other session ends, this one continues on the new tokens. */
export async function changePassword(oldPassword, newPassword) {
  keep(await post("/auth/password/change", { old_password: oldPassword, new_password: newPassword }));
}

// --- Google / GitHub through allauth's headless browser API ---------------------------------

function cookie(name) {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

/** The social providers the site offers ([] when none is configured). */
export async function socialProviders() {
  const response = await fetch(`${ALLAUTH}/config`, { headers: { accept: "application/json" } });
  if (!response.ok) return [];
  return (await response.json()).data?.socialaccount?.providers || [];
}

/** Leave for the provider: allauth's redirect endpoint takes a form post, not fetch. */
export function socialRedirect(provider, callbackPath) {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = `${ALLAUTH}/auth/provider/redirect`;
  const fields = {
    provider,
    process: "login",
    callback_url: new URL(callbackPath, location.origin).href,
    csrfmiddlewaretoken: cookie(config.csrfCookie),
  };
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

/** Back from the provider: trade allauth's browser session for our JWT pair. */
export async function socialFinish() {
  const response = await fetch(`${API}/auth/social/token`, {
    method: "POST",
    credentials: "same-origin",
    headers: { accept: "application/json", "x-csrftoken": cookie(config.csrfCookie) },
  });
  if (!response.ok) throw await errorFrom(response);
  keep(await response.json());
  return me();
}

// --- Server-Sent Events over fetch (EventSource cannot send an Authorization header) --------

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

function parseEvent(block) {
  const event = { type: "message", data: "", id: null, retry: null };
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.type = value;
    else if (field === "data") data.push(value);
    else if (field === "id") event.id = value;
    else if (field === "retry") event.retry = Number(value);
  }
  event.data = data.join("\n");
  return event;
}

/**
 * Follow an event stream until its `end` event (or until `signal` aborts): calls
 * onEvent({type, data, id}) with `data` parsed as JSON, for the events after the id `after`.
 * A dropped connection is resumed with Last-Event-ID, so no event is missed or repeated.
 */
export async function stream(path, { onEvent, signal, after = null }) {
  let lastId = after === null ? null : String(after);
  let wait = 3000;
  let failures = 0;
  while (!signal?.aborted) {
    let ended = false;
    try {
      const headers = { accept: "text/event-stream" };
      if (lastId) headers["last-event-id"] = lastId;
      const response = await request(path, { headers, signal, raw: true });
      failures = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      while (!ended) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while (!ended && (end = buffer.indexOf("\n\n")) >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event.retry) wait = event.retry;
          if (event.id) lastId = event.id;
          if (!event.data) continue;
          onEvent({ type: event.type, id: event.id, data: JSON.parse(event.data) });
          if (event.type === "end") ended = true;
        }
      }
      if (ended) await reader.cancel();
    } catch (error) {
      if (signal?.aborted || error.name === "AbortError") return;
      if (error instanceof ApiError && error.status !== 0) throw error; // 404, signed out
      if (++failures > 5) throw error;
    }
    if (ended) return;
    await sleep(wait, signal); // the server closed a long stream, or the network dropped
  }
}
