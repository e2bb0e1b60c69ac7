// The signed-in user's profile and password.
import * as api from "../api.js";
import { html, useState } from "../lib.js";
import { Button, ErrorNotice, Field, Notice, Page, date, fieldError, useAction, useSession } from "../ui.js";

function Profile() {
  const { user, setUser } = useSession();
  const [form, setForm] = useState({ first_name: user.first_name, last_name: user.last_name });
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    setSaved(false);
    run(async () => {
      setUser(await api.patch("/users/me", form));
      setSaved(true);
    });
  };
  return html`<section class="card" aria-labelledby="profile-heading">
    <h2 id="profile-heading">Profile</h2>
    <form onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${error} fields=${["first_name", "last_name"]} />
      ${saved && html`<${Notice} kind="success">Profile saved.<//>`}
      <dl class="facts">
        <div><dt>Email</dt><dd>${user.email}</dd></div>
        <div><dt>Member since</dt><dd>${date(user.date_joined)}</dd></div>
        <div><dt>Plan</dt><dd>${user.plan}</dd></div>
      </dl>
      <div class="field-row">
        <${Field} label="First name" name="first_name" autocomplete="given-name"
          value=${form.first_name} onInput=${(e) => setForm({ ...form, first_name: e.target.value })}
          error=${fieldError(error, "first_name")} />
        <${Field} label="Last name" name="last_name" autocomplete="family-name"
          value=${form.last_name} onInput=${(e) => setForm({ ...form, last_name: e.target.value })}
          error=${fieldError(error, "last_name")} />
      </div>
      <${Button} type="submit" busy=${busy}>Save profile<//>
    </form>
  </section>`;
}

function PasswordChange() {
  const [form, setForm] = useState({ old: "", next: "" });
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    setDone(false);
    run(async () => {
      await api.changePassword(form.old, form.next);
      setForm({ old: "", next: "" });
      setDone(true);
    });
  };
  return html`<section class="card" aria-labelledby="password-heading">
    <h2 id="password-heading">Change password</h2>
    <form onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${error} fields=${["old_password", "new_password"]} />
      ${done && html`<${Notice} kind="success">Password changed. Your other sessions are signed out.<//>`}
      <${Field} label="Current password" name="old_password" type="password"
        autocomplete="current-password" value=${form.old}
        onInput=${(e) => setForm({ ...form, old: e.target.value })}
        error=${fieldError(error, "old_password")} />
      <${Field} label="New password" name="new_password" type="password"
        autocomplete="new-password" value=${form.next}
        onInput=${(e) => setForm({ ...form, next: e.target.value })}
        error=${fieldError(error, "new_password")} />
      <${Button} type="submit" busy=${busy}>Change password<//>
    </form>
  </section>`;
}

export function Account() {
  return html`<${Page} title="Your account">
    <div class="stack">
      <${Profile} />
      <${PasswordChange} />
    </div>
  <//>`;
}
