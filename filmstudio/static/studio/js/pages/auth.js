// Sign in, create an account (with an invitation), forgot and reset password, and the two
// pages Google/GitHub sign-in comes back to.
import * as api from "../api.js";
import { html, useEffect, useState } from "../lib.js";
import { navigate, useLocation } from "../router.js";
import { Button, ErrorNotice, Field, Loading, Notice, Page, fieldError, useAction, useSession } from "../ui.js";

const safeNext = (next) => (next && next.startsWith("/") && !next.startsWith("//") ? next : "/projects");

function SocialButtons() {
  const [providers, setProviders] = useState([]);
  useEffect(() => {
    api.socialProviders().then(setProviders, () => setProviders([]));
  }, []);
  if (providers.length === 0) return null;
  return html`<div class="social">
    <p class="divider"><span>or</span></p>
    ${providers.map(
      (p) => html`<${Button}
        kind="secondary"
        class=${`button secondary provider-${p.id}`}
        onClick=${() => api.socialRedirect(p.id, "/login/callback")}
        >Continue with ${p.name}<//
      >`,
    )}
  </div>`;
}

export function SignIn() {
  const { params } = useLocation();
  const { setUser } = useSession();
  const [form, setForm] = useState({ email: "", password: "" });
  const { busy, error, run } = useAction();
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      setUser(await api.signIn(form.email, form.password));
      navigate(safeNext(params.get("next")), { replace: true });
    });
  };
  return html`<${Page} title="Sign in">
    <form class="card narrow" onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${error} fields=${["email", "password"]} />
      <${Field} label="Email" name="email" type="email" autocomplete="email" required
        value=${form.email} onInput=${set("email")} error=${fieldError(error, "email")} />
      <${Field} label="Password" name="password" type="password" autocomplete="current-password"
        required value=${form.password} onInput=${set("password")}
        error=${fieldError(error, "password")} />
      <${Button} type="submit" busy=${busy}>Sign in<//>
      <p class="form-links">
        <a href="/forgot-password">Forgot your password?</a>
        <a href="/signup">Create an account</a>
      </p>
      <${SocialButtons} />
    </form>
  <//>`;
}

export function SignUp() {
  const { params } = useLocation();
  const { setUser } = useSession();
  const invitation = params.get("invitation") || "";
  const [invite, setInvite] = useState(invitation ? null : { status: "none" });
  const [form, setForm] = useState({ first_name: "", last_name: "", email: "", password: "" });
  const { busy, error, run } = useAction();

  useEffect(() => {
    if (!invitation) return;
    api.get(`/invitations/validate/${encodeURIComponent(invitation)}`, { auth: false }).then(
      (found) => {
        setInvite(found);
        if (found.email) setForm((f) => ({ ...f, email: found.email }));
      },
      (err) => setInvite({ status: "invalid", error: err }),
    );
  }, [invitation]);

  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api.post("/auth/register", { ...form, invitation_token: invitation }, { auth: false });
      setUser(await api.signIn(form.email, form.password));
      navigate("/projects/new", { replace: true });
    });
  };
  if (!invite) return html`<${Page} title="Create your account"><${Loading} /><//>`;
  return html`<${Page} title="Create your account">
    <form class="card narrow" onSubmit=${submit} novalidate>
      ${invite.status === "invalid" && html`<${ErrorNotice} error=${invite.error} />`}
      ${invite.status === "valid" &&
      html`<${Notice}>You were invited to FilmStudio${invite.email ? ` as ${invite.email}` : ""}.<//>`}
      <${ErrorNotice} error=${error}
        fields=${["first_name", "last_name", "email", "password", "invitation_token"]} />
      <div class="field-row">
        <${Field} label="First name" name="first_name" autocomplete="given-name"
          value=${form.first_name} onInput=${set("first_name")}
          error=${fieldError(error, "first_name")} />
        <${Field} label="Last name" name="last_name" autocomplete="family-name"
          value=${form.last_name} onInput=${set("last_name")}
          error=${fieldError(error, "last_name")} />
      </div>
      <${Field} label="Email" name="email" type="email" autocomplete="email" required
        value=${form.email} onInput=${set("email")} readOnly=${Boolean(invite.email)}
        error=${fieldError(error, "email", "invitation_token")} />
      <${Field} label="Password" name="password" type="password" autocomplete="new-password"
        required value=${form.password} onInput=${set("password")}
        hint="At least 8 characters; not a common password, and not all digits."
        error=${fieldError(error, "password")} />
      <${Button} type="submit" busy=${busy}>Create account<//>
      <p class="form-links"><a href="/signin">I already have an account</a></p>
      <${SocialButtons} />
    </form>
  <//>`;
}

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api.post("/auth/password/reset", { email }, { auth: false });
      setSent(true);
    });
  };
  return html`<${Page} title="Forgot your password?">
    <form class="card narrow" onSubmit=${submit} novalidate>
      ${sent
        ? html`<${Notice} kind="success">
            If an account uses ${email}, a link to choose a new password is on its way.
          <//>`
        : html`<p>Enter your email and we will send you a link to choose a new password.</p>`}
      <${ErrorNotice} error=${error} fields=${["email"]} />
      <${Field} label="Email" name="email" type="email" autocomplete="email" required
        value=${email} onInput=${(e) => setEmail(e.target.value)}
        error=${fieldError(error, "email")} />
      <${Button} type="submit" busy=${busy}>Send the link<//>
      <p class="form-links"><a href="/signin">Back to sign in</a></p>
    </form>
  <//>`;
}

export function ResetPassword() {
  const { params } = useLocation();
  const [form, setForm] = useState({ password: "", again: "" });
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    if (form.password !== form.again) {
      setError({ detail: "The two passwords differ.", errors: { again: ["Type the same password twice."] } });
      return;
    }
    run(async () => {
      await api.post(
        "/auth/password/reset/confirm",
        { uid: params.get("uid") || "", token: params.get("token") || "", new_password: form.password },
        { auth: false },
      );
      setDone(true);
    });
  };
  if (done) {
    return html`<${Page} title="Password changed">
      <${Notice} kind="success">Your password is changed. Every other session was signed out.<//>
      <p><a class="button primary" href="/signin">Sign in</a></p>
    <//>`;
  }
  return html`<${Page} title="Choose a new password">
    <form class="card narrow" onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${error} fields=${["new_password", "again"]} />
      <${Field} label="New password" name="new_password" type="password"
        autocomplete="new-password" required value=${form.password}
        onInput=${(e) => setForm({ ...form, password: e.target.value })}
        error=${fieldError(error, "new_password")} />
      <${Field} label="New password again" name="again" type="password"
        autocomplete="new-password" required value=${form.again}
        onInput=${(e) => setForm({ ...form, again: e.target.value })}
        error=${fieldError(error, "again")} />
      <${Button} type="submit" busy=${busy}>Change password<//>
    </form>
  <//>`;
}

export function SocialCallback() {
  const { params } = useLocation();
  const { setUser } = useSession();
  const [error, setError] = useState(null);
  useEffect(() => {
    if (params.get("error")) {
      navigate(`/login/error?${params}`, { replace: true });
      return;
    }
    api.socialFinish().then(
      (user) => {
        setUser(user);
        navigate("/projects", { replace: true });
      },
      setError,
    );
  }, []);
  return html`<${Page} title="Signing you in">
    ${error ? html`<${ErrorNotice} error=${error} /><p><a href="/signin">Back to sign in</a></p>` : html`<${Loading} />`}
  <//>`;
}

const SOCIAL_ERRORS = {
  cancelled: "You cancelled the sign-in with the provider.",
  denied: "The provider did not let you sign in.",
  unknown: "The sign-in with the provider failed.",
};

export function SocialError() {
  const { params } = useLocation();
  const code = params.get("error") || "unknown";
  return html`<${Page} title="Sign-in failed">
    <div class="notice error" role="alert">
      <p>${SOCIAL_ERRORS[code] || `The sign-in with the provider failed (${code}).`}</p>
    </div>
    <p><a href="/signin">Back to sign in</a></p>
  <//>`;
}
