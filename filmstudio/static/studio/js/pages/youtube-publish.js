// Publishing a finished film to one of the creator's YouTube channels (POST /youtube/upload),
// then following the upload job live through its event stream, like a render.
import * as api from "../api.js";
import { html, useEffect, useState } from "../lib.js";
import { Button, ErrorNotice, Field, ProgressBar, fieldError, useAction, useLoad, words } from "../ui.js";
import { PRIVACY } from "./youtube.js";

const FIELDS = ["channel", "title", "description", "privacy", "playlist", "captions", "thumbnail"];

/** The upload's job, live: progress from its events, then the upload as the API ends it. */
function UploadProgress({ upload: first }) {
  const [upload, setUpload] = useState(first);
  const [error, setError] = useState(null);
  useEffect(() => {
    const controller = new AbortController();
    api
      .stream(`/jobs/${first.job}/events`, {
        signal: controller.signal,
        onEvent: ({ type, data }) => {
          if (type === "end") api.get(`/youtube/uploads/${first.id}`).then(setUpload, setError);
          else {
            setUpload((u) => ({
              ...u,
              job_status: data.to_status,
              progress: data.to_status === "completed" ? 100 : Math.max(u.progress ?? 0, data.progress ?? 0),
            }));
          }
        },
      })
      .catch((err) => !controller.signal.aborted && setError(err));
    return () => controller.abort();
  }, [first.id]);
  const failed = upload.job_status === "failed" || upload.job_status === "cancelled";
  return html`<div class="youtube-upload" id="youtube-upload">
    <p role="status" id="youtube-status">
      <strong>${upload.url ? "Published on YouTube" : failed ? "The upload failed" : "Uploading to YouTube"}</strong>
      ${!upload.url && !failed && ` · ${upload.progress ?? 0}%`} · ${upload.channel_title}
    </p>
    <${ProgressBar} id="youtube-progress" value=${upload.progress ?? 0} label="YouTube upload progress" />
    ${failed && html`<${ErrorNotice} error=${{ detail: upload.error_message || `The upload was ${upload.job_status}.` }} />`}
    <${ErrorNotice} error=${error} />
    ${upload.url &&
    html`<p><a href=${upload.url} rel="noopener" id="youtube-link">Watch “${upload.title}” on YouTube</a>
      <small> · ${words(upload.privacy)}</small></p>`}
  </div>`;
}

/** The film's latest publication, as a link (or followed live while it uploads). */
function Published({ upload }) {
  if (!upload.url) return html`<${UploadProgress} upload=${upload} />`;
  return html`<p id="youtube-published">Published on YouTube:
    <a href=${upload.url} rel="noopener" id="youtube-link">“${upload.title}”</a>
    <small> · ${upload.channel_title} · ${words(upload.privacy)}</small></p>`;
}

export function YouTubePublish({ project, job }) {
  const channels = useLoad(() => api.get("/youtube/channels?page_size=50"), []);
  // Newest first: this film's latest publication, if it is among the recent ones.
  const uploads = useLoad(() => api.get("/youtube/uploads?page_size=50"), []);
  const latest = uploads.data?.results.find(
    (u) => u.project === project.id && !["failed", "cancelled"].includes(u.job_status),
  );
  const active = (channels.data?.results || []).filter((c) => c.status === "active");
  const [form, setForm] = useState({
    channel: "",
    title: project.title.slice(0, 100),
    description: project.description,
    privacy: "private",
    playlist: "",
    captions: true,
    thumbnail: true,
  });
  const channelId = form.channel || (active[0] ? String(active[0].id) : "");
  const channel = active.find((c) => String(c.id) === channelId);
  const playlists = useLoad(
    () =>
      channel?.can_caption
        ? api.get(`/youtube/playlists${api.query({ channel: channel.id, page_size: 50 })}`)
        : Promise.resolve(null),
    [channel?.id],
  );
  const [upload, setUpload] = useState(null);
  const { busy, error, run } = useAction();

  if (channels.error || uploads.error) return html`<${ErrorNotice} error=${channels.error || uploads.error} />`;
  if (!channels.data || !uploads.data) return null;
  if (upload) return html`<${UploadProgress} upload=${upload} />`;
  if (latest && !latest.url) return html`<${Published} upload=${latest} />`;
  if (!active.length) {
    return html`<p class="publish">
      <a href="/youtube">${channels.data.results.length ? "Reconnect your YouTube channel" : "Connect a YouTube channel"}</a>
      to publish this film there.
    </p>`;
  }
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const tick = (name) => (event) => setForm({ ...form, [name]: event.target.checked });
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      setUpload(
        await api.post("/youtube/upload", {
          ...form,
          channel: Number(channelId),
          job: job.id,
          captions: form.captions && Boolean(channel?.can_caption),
        }),
      );
    });
  };
  const playlistOptions = [["", "No playlist"], ...(playlists.data?.results || []).map((p) => [p.id, p.title])];
  return html`<form class="publish" onSubmit=${submit} novalidate aria-labelledby="youtube-heading">
    <h3 id="youtube-heading">Publish on YouTube</h3>
    ${latest?.url && html`<${Published} upload=${latest} />`}
    <${ErrorNotice} error=${error || playlists.error} fields=${FIELDS} />
    <${Field} label="YouTube channel" name="channel" as="select" value=${channelId}
      options=${active.map((c) => [String(c.id), c.title])} onChange=${set("channel")}
      error=${fieldError(error, "channel")} />
    <${Field} label="Title on YouTube" name="title" maxlength="100" value=${form.title} onInput=${set("title")}
      error=${fieldError(error, "title")} />
    <${Field} label="Description on YouTube" name="description" as="textarea" rows="2" value=${form.description}
      onInput=${set("description")} error=${fieldError(error, "description")} />
    <${Field} label="Privacy" name="privacy" as="select" options=${PRIVACY} value=${form.privacy}
      onChange=${set("privacy")} error=${fieldError(error, "privacy")} />
    ${channel?.can_caption &&
    html`<${Field} label="Playlist" name="playlist" as="select" options=${playlistOptions} value=${form.playlist}
      onChange=${set("playlist")} error=${fieldError(error, "playlist")} />`}
    <div class="field check">
      <input type="checkbox" id="youtube-captions" checked=${form.captions && channel?.can_caption}
        disabled=${!channel?.can_caption} onChange=${tick("captions")} />
      <label for="youtube-captions">Add the film's captions</label>
    </div>
    <div class="field check">
      <input type="checkbox" id="youtube-thumbnail" checked=${form.thumbnail} onChange=${tick("thumbnail")} />
      <label for="youtube-thumbnail">Use the film's thumbnail</label>
    </div>
    ${fieldError(error, "captions", "thumbnail") && html`<p class="field-error">${fieldError(error, "captions", "thumbnail")}</p>`}
    <${Button} type="submit" busy=${busy}>Publish on YouTube<//>
  </form>`;
}
