// YouTube: connect a channel (Google's consent screen, then /youtube/callback here finishes
// it through the API), the channels with their state, disconnecting, their playlists, and
// what was published (each upload is a job, followed on the project page).
import * as api from "../api.js";
import { html, useEffect, useState } from "../lib.js";
import { navigate, useLocation } from "../router.js";
import {
  Button,
  DataTable,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  Page,
  StatusBadge,
  date,
  fieldError,
  useAction,
  useLoad,
  words,
} from "../ui.js";

export const PRIVACY = [
  ["private", "Private"],
  ["unlisted", "Unlisted"],
  ["public", "Public"],
];

/** Ask the API for Google's consent URL and go there (Google comes back to /youtube/callback). */
export async function connectChannel() {
  const { url } = await api.get("/youtube/oauth");
  location.assign(url);
}

function ChannelCard({ channel, onGone }) {
  const reconnect = useAction();
  const removal = useAction();
  const needsReconnect = channel.status === "reconnect_required";
  const disconnect = () => {
    if (!window.confirm(`Disconnect ${channel.title}? Its published videos stay on YouTube.`)) return;
    removal.run(async () => {
      await api.del(`/youtube/channels/${channel.id}`);
      onGone(channel);
    });
  };
  const headingId = `channel-${channel.id}`;
  return html`<li class="card channel" aria-labelledby=${headingId}>
    <h3 id=${headingId}>
      ${channel.thumbnail_url &&
      html`<img class="avatar" src=${channel.thumbnail_url} alt="" width="40" height="40" referrerpolicy="no-referrer"
        onError=${(event) => (event.currentTarget.hidden = true)} />`}
      ${channel.title || channel.channel_id}
    </h3>
    <p><${StatusBadge} status=${channel.status} /></p>
    ${needsReconnect &&
    html`<p class="field-error">Google no longer accepts FilmStudio's access to this channel. Reconnect it to
      publish again.</p>`}
    ${!channel.can_caption &&
    html`<p class="muted">Captions and playlists need the “manage your YouTube account” permission: reconnect and
      allow it.</p>`}
    <p class="muted"><small>Connected ${date(channel.connected_at)}</small></p>
    <${ErrorNotice} error=${reconnect.error || removal.error} />
    <div class="button-row">
      ${(needsReconnect || !channel.can_caption) &&
      html`<${Button} busy=${reconnect.busy} onClick=${() => reconnect.run(connectChannel)} aria-describedby=${headingId}>
        Reconnect
      <//>`}
      <${Button} kind="secondary" busy=${removal.busy} onClick=${disconnect} aria-describedby=${headingId}>Disconnect<//>
    </div>
  </li>`;
}

function Playlists({ channels, onStale }) {
  const usable = channels.filter((c) => c.status === "active" && c.can_caption);
  const [channel, setChannel] = useState(usable[0] ? String(usable[0].id) : "");
  const list = useLoad(
    () => (channel ? api.get(`/youtube/playlists${api.query({ channel, page_size: 50 })}`) : Promise.resolve(null)),
    [channel],
  );
  const [form, setForm] = useState({ title: "", description: "", privacy: "private" });
  const { busy, error, run } = useAction();
  // Google refused the channel's grant just now: the channel list shows it needs a reconnect.
  useEffect(() => {
    if (list.error?.code === "reconnect_required") onStale();
  }, [list.error]);
  if (!usable.length) return null;
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const create = (event) => {
    event.preventDefault();
    run(async () => {
      await api.post("/youtube/playlists", { ...form, channel: Number(channel) });
      setForm({ title: "", description: "", privacy: "private" });
      list.reload();
    });
  };
  return html`<section class="card" aria-labelledby="playlists-heading">
    <h2 id="playlists-heading">Playlists</h2>
    <${Field} label="Channel" name="playlist-channel" as="select" value=${channel}
      options=${usable.map((c) => [String(c.id), c.title])} onChange=${(e) => setChannel(e.target.value)} />
    <${ErrorNotice} error=${list.error} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data &&
    (list.data.results.length
      ? html`<ul class="playlists" id="playlists">
          ${list.data.results.map(
            (p) => html`<li key=${p.id}><strong>${p.title}</strong>
              <small> · ${words(p.privacy)}${p.item_count != null ? ` · ${p.item_count} videos` : ""}</small></li>`,
          )}
        </ul>`
      : html`<p>This channel has no playlist yet.</p>`)}
    <form onSubmit=${create} novalidate aria-labelledby="new-playlist-heading">
      <h3 id="new-playlist-heading">New playlist</h3>
      <${ErrorNotice} error=${error} fields=${["title", "description", "privacy"]} />
      <${Field} label="Playlist title" name="title" value=${form.title} onInput=${set("title")}
        error=${fieldError(error, "title")} />
      <${Field} label="Playlist description" name="description" as="textarea" rows="2" value=${form.description}
        onInput=${set("description")} error=${fieldError(error, "description")} />
      <${Field} label="Playlist privacy" name="privacy" as="select" options=${PRIVACY} value=${form.privacy}
        onChange=${set("privacy")} error=${fieldError(error, "privacy")} />
      <${Button} type="submit" busy=${busy}>Create playlist<//>
    </form>
  </section>`;
}

const UPLOADS = [
  { head: "Title", cell: (u) => (u.project ? html`<a href=${`/projects/${u.project}`}>${u.title}</a>` : u.title) },
  { head: "Channel", cell: (u) => u.channel_title },
  {
    head: "State",
    cell: (u) =>
      u.job_status === "failed"
        ? html`<${StatusBadge} status="failed" /><br /><small>${u.error_message}</small>`
        : html`<${StatusBadge} status=${u.status} />`,
  },
  { head: "Privacy", cell: (u) => words(u.privacy) },
  {
    head: "On YouTube",
    cell: (u) => u.url && html`<a href=${u.url} rel="noopener">Watch<span class="visually-hidden"> ${u.title}</span></a>`,
  },
];

function Uploads() {
  const uploads = useLoad(() => api.get("/youtube/uploads"), []);
  return html`<section class="card" aria-labelledby="uploads-heading">
    <h2 id="uploads-heading">Published to YouTube</h2>
    <${DataTable} load=${uploads} id="uploads" label="Publications" columns=${UPLOADS}
      empty="Nothing yet. Publish a finished film from its project page." />
  </section>`;
}

export function YouTube() {
  const { params } = useLocation();
  const channels = useLoad(() => api.get("/youtube/channels?page_size=50"), []);
  const connect = useAction();
  const connected = params.get("connected");
  const drop = (gone) => channels.setData((page) => ({ ...page, results: page.results.filter((c) => c.id !== gone.id) }));
  const actions = html`<${Button} busy=${connect.busy} onClick=${() => connect.run(connectChannel)}>
    Connect a YouTube channel
  <//>`;
  return html`<${Page} title="YouTube" actions=${actions}>
    ${connected && html`<${Notice} kind="success">${connected} is connected.<//>`}
    <${ErrorNotice} error=${connect.error || channels.error} />
    <section aria-labelledby="channels-heading">
      <h2 id="channels-heading">Channels</h2>
      ${!channels.data
        ? !channels.error && html`<${Loading} />`
        : channels.data.results.length === 0
          ? html`<p class="card">No channel yet. Connect one to publish your films on YouTube.</p>`
          : html`<ul class="offers" id="channels">
              ${channels.data.results.map((c) => html`<${ChannelCard} key=${c.id} channel=${c} onGone=${drop} />`)}
            </ul>`}
    </section>
    ${channels.data && html`<${Playlists} channels=${channels.data.results} onStale=${channels.reload} />`}
    <${Uploads} />
  <//>`;
}

/** Google sends the browser back here with `code` and `state` (or `error`): finish through
 * the API, then show the channel on the YouTube page. */
export function YouTubeCallback() {
  const { params } = useLocation();
  const [error, setError] = useState(null);
  useEffect(() => {
    const answer = { state: params.get("state") || "", code: params.get("code") || "", error: params.get("error") || "" };
    api.post("/youtube/callback", answer).then(
      (channel) => navigate(`/youtube?connected=${encodeURIComponent(channel.title)}`, { replace: true }),
      setError,
    );
  }, []);
  return html`<${Page} title="Connecting YouTube">
    ${error
      ? html`<${ErrorNotice} error=${error} /><p><a href="/youtube">Back to YouTube</a></p>`
      : html`<${Loading} label="Connecting your channel…" />`}
  <//>`;
}
