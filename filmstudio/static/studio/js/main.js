// The studio's shell: the session, the navigation and the page the path names.
import * as api from "./api.js";
import { html, render, useEffect, useState } from "./lib.js";
import { interceptLinks, match, navigate, useLocation } from "./router.js";
import { routes } from "./routes.js";
import { ErrorNotice, Loading, NotFoundPage, Session } from "./ui.js";

interceptLinks(routes);

const modules = new Map();
function load(route) {
  if (!modules.has(route.module)) modules.set(route.module, route.load());
  return modules.get(route.module);
}

function Nav({ user }) {
  const { path } = useLocation();
  const current = (prefix) => (path === prefix || path.startsWith(`${prefix}/`) ? "page" : undefined);
  const signOut = async () => {
    await api.signOut();
    navigate("/signin");
  };
  return html`<header class="site-header">
    <a class="skip-link" href="#main">Skip to content</a>
    <a class="brand" href=${user ? "/projects" : "/library"}>
      <span class="brand-mark" aria-hidden="true">▶</span> FilmStudio
    </a>
    <nav aria-label="Main">
      <ul>
        ${user &&
        html`<li><a href="/projects" aria-current=${current("/projects")}>Projects</a></li>`}
        <li><a href="/library" aria-current=${current("/library")}>Library</a></li>
        ${user &&
        html`<li><a href="/credits" aria-current=${current("/credits")}>Credits</a></li>
          <li><a href="/youtube" aria-current=${current("/youtube")}>YouTube</a></li>
          <li><a href="/account" aria-current=${current("/account")}>Account</a></li>
          <li><button type="button" class="link" onClick=${signOut}>Sign out</button></li>`}
        ${!user &&
        html`<li><a href="/signin" aria-current=${current("/signin")}>Sign in</a></li>
          <li><a href="/signup" aria-current=${current("/signup")}>Create account</a></li>`}
      </ul>
    </nav>
  </header>`;
}

function Routed({ user }) {
  const { path } = useLocation();
  const found = match(routes, path);
  const route = found?.route;
  const [loaded, setLoaded] = useState({ route: null, View: null, error: null });
  const needsSignIn = route && !route.public && !user;

  useEffect(() => {
    if (needsSignIn) navigate(`/signin?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    else if (route?.redirect) navigate(route.redirect(user), { replace: true });
  }, [path, needsSignIn]);

  useEffect(() => {
    let live = true;
    if (!route || needsSignIn || route.redirect) return undefined;
    load(route).then(
      (module) => live && setLoaded({ route, View: module[route.view], error: null }),
      (error) => live && setLoaded({ route, View: null, error }),
    );
    return () => {
      live = false;
    };
  }, [route, needsSignIn]);

  if (!found) return html`<${NotFoundPage} />`;
  if (needsSignIn || route.redirect || loaded.route !== route) return html`<${Loading} />`;
  if (loaded.error) {
    return html`<${ErrorNotice} error=${{ detail: "This page could not be loaded. Reload to try again." }} />`;
  }
  const { View } = loaded;
  return html`<${View} key=${path} ...${found.params} />`;
}

function App({ initialUser }) {
  const [user, setUser] = useState(initialUser);
  useEffect(
    () =>
      api.onSession((state) => {
        if (state === "signed-out") setUser(null);
        else if (state === "signed-in") api.me().then(setUser, () => {});
      }),
    [],
  );
  return html`<${Session.Provider} value=${{ user, setUser }}>
    <${Nav} user=${user} />
    <main id="main" tabindex="-1">
      <${Routed} user=${user} />
    </main>
    <footer class="site-footer">
      <p>FilmStudio · <a href="/api/v1/docs/">REST API</a></p>
    </footer>
  <//>`;
}

async function start() {
  const root = document.getElementById("app");
  let user = null;
  try {
    user = await api.restore();
  } catch {
    // The API is unreachable: the pages say so when they load.
  }
  root.textContent = "";
  render(html`<${App} initialUser=${user} />`, root);
}

start();
