// The project's latest film: the player (range requests on a signed link, WebVTT captions as
// a track), downloads, the storyboard stills and line audio, and publishing to the library
// and to YouTube.
import * as api from "../api.js";
import { html, useState } from "../lib.js";
import { Button, ErrorNotice, Field, Loading, Notice, duration, fieldError, useAction, useLoad } from "../ui.js";
import { YouTubePublish } from "./youtube-publish.js";

/** Every asset the job made (newest pages first, stopping once older jobs' files begin). */
async function jobAssets(projectId, jobId) {
  const found = [];
  for (let page = 1; ; page++) {
    const batch = await api.get(
      `/projects/${projectId}/assets${api.query({ ordering: "-created_at", page_size: 100, page })}`,
    );
    found.push(...batch.results.filter((asset) => asset.metadata?.job === jobId));
    const older = batch.results.some((asset) => (asset.metadata?.job ?? 0) < jobId);
    if (!batch.next || older) return found;
  }
}

async function loadFilm(projectId) {
  const page = await api.get(
    `/jobs${api.query({ project: projectId, status: "completed", type: "full_generation", page_size: 1 })}`,
  );
  if (!page.results.length) return null;
  const job = page.results[0];
  const [link, assets] = await Promise.all([api.get(`/jobs/${job.id}/download-url`), jobAssets(projectId, job.id)]);
  const byKey = (key) => assets.find((asset) => asset.metadata?.key === key);
  const of = (kind) =>
    assets.filter((asset) => asset.kind === kind).sort((a, b) => a.id - b.id);
  return {
    job,
    url: link.url,
    film: byKey("film"),
    vtt: byKey("subtitles:vtt"),
    srt: byKey("subtitles:srt"),
    thumbnail: byKey("thumbnail"),
    images: of("image"),
    audio: of("audio"),
  };
}

function Player({ film }) {
  const meta = film.film?.metadata || {};
  const portrait = meta.height > meta.width;
  return html`<figure class=${`player${portrait ? " portrait" : ""}`}>
    <video id="film-player" controls preload="metadata" playsinline src=${film.url}
      poster=${film.thumbnail?.download_url} aria-describedby="film-caption">
      ${film.vtt && html`<track kind="captions" src=${film.vtt.download_url} srclang="en" label="English" default />`}
    </video>
    <figcaption id="film-caption">
      ${duration(meta.duration)}${meta.width ? ` · ${meta.width}×${meta.height}` : ""} · captions in English
    </figcaption>
  </figure>`;
}

function Gallery({ film }) {
  if (!film.images.length && !film.audio.length) return null;
  return html`<section aria-labelledby="gallery-heading">
    <h3 id="gallery-heading">Storyboard and voices</h3>
    <ul class="gallery">
      ${film.images.map(
        (image) => html`<li>
          <figure>
            <a href=${image.download_url} download>
              <img src=${image.download_url} alt=${`Storyboard still of shot ${image.metadata.shot + 1}`} loading="lazy" />
            </a>
            <figcaption>Shot ${image.metadata.shot + 1}</figcaption>
          </figure>
        </li>`,
      )}
    </ul>
    <ol class="lines">
      ${film.audio.map(
        (line) => html`<li>
          <p><strong>${line.metadata.speaker}</strong> ${line.metadata.text}</p>
          <audio controls preload="none" src=${line.download_url}
            aria-label=${`${line.metadata.speaker}: ${line.metadata.text}`}></audio>
        </li>`,
      )}
    </ol>
  </section>`;
}

function Publish({ project }) {
  const categories = useLoad(() => api.get("/categories", { auth: false }), []);
  const [form, setForm] = useState({ title: project.title, description: project.description, category: "" });
  const [video, setVideo] = useState(null);
  const { busy, error, run } = useAction();
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      setVideo(
        await api.post(`/projects/${project.id}/publish`, {
          ...form,
          category: form.category ? Number(form.category) : null,
        }),
      );
    });
  };
  if (video) {
    return html`<${Notice} kind="success">
      Published to the library as “${video.title}”. <a href=${`/library/${video.id}`}>Watch it in the library</a>
    <//>`;
  }
  const options = [["", "No category"], ...(categories.data || []).map((c) => [String(c.id), c.name])];
  return html`<form class="publish" onSubmit=${submit} novalidate aria-labelledby="publish-heading">
    <h3 id="publish-heading">Publish to the library</h3>
    <${ErrorNotice} error=${error} fields=${["title", "description", "category"]} />
    <${Field} label="Title in the library" name="title" value=${form.title} onInput=${set("title")}
      error=${fieldError(error, "title")} />
    <${Field} label="Description" name="description" as="textarea" rows="2" value=${form.description}
      onInput=${set("description")} error=${fieldError(error, "description")} />
    <${Field} label="Category" name="category" as="select" options=${options} value=${form.category}
      onChange=${set("category")} error=${fieldError(error, "category")} />
    <${Button} type="submit" busy=${busy}>Publish<//>
  </form>`;
}

export function FilmPanel({ project }) {
  const { data: film, error, loading } = useLoad(() => loadFilm(project.id), [project.id]);
  if (error) return html`<${ErrorNotice} error=${error} />`;
  if (loading && !film) return html`<${Loading} label="Loading the film…" />`;
  if (!film) return null;
  return html`<section class="card film" aria-labelledby="film-heading" id="film">
    <h2 id="film-heading">The film</h2>
    <${Player} film=${film} />
    <p class="button-row">
      <a class="button primary" href=${film.url} download>Download the film (MP4)</a>
      ${film.srt && html`<a class="button secondary" href=${film.srt.download_url} download>Captions (SRT)</a>`}
      ${film.vtt && html`<a class="button secondary" href=${film.vtt.download_url} download>Captions (WebVTT)</a>`}
    </p>
    <${Publish} project=${project} />
    <${YouTubePublish} project=${project} job=${film.job} />
    <${Gallery} film=${film} />
  </section>`;
}
